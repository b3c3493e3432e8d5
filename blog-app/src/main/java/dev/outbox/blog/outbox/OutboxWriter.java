package dev.outbox.blog.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.time.ZoneOffset;

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists if and only if
 * the business write that caused it committed. The row is deleted in the same transaction: the
 * relay reads the insert from the WAL, so the table never grows and needs no cleanup job. The row carries the
 * current trace context, when there is one, for the relay to put on the Kafka record.
 */
@ApplicationScoped
public class OutboxWriter {

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    OpenTelemetry tracing;

    /**
     * MANDATORY: an event written outside the business transaction would be a dual write. The two statements go
     * straight to the transaction's JDBC connection: through Hibernate's native queries they cost several times
     * their own execution in CPU. The flush first keeps the business write ahead of its event in the WAL.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(OutboxEvent event) {
        String payload = payloadOf(event);
        String spanContext = spanContext();
        Session session = em.unwrap(Session.class);
        session.flush();
        session.doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version,
                                        tracingspancontext)
                    values (?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)""");
                 PreparedStatement delete = connection.prepareStatement("delete from outbox where id = ?")) {
                insert.setObject(1, event.eventId());
                insert.setString(2, event.aggregateType());
                insert.setString(3, event.aggregateId());
                insert.setString(4, event.eventType());
                insert.setString(5, payload);
                insert.setObject(6, event.occurredAt().atOffset(ZoneOffset.UTC));
                insert.setInt(7, event.schemaVersion());
                insert.setString(8, spanContext);
                insert.executeUpdate();
                delete.setObject(1, event.eventId());
                delete.executeUpdate();
            }
        });
    }

    /**
     * The current trace context in the text form of {@link java.util.Properties} ({@code traceparent=00-…}), which
     * Debezium's Outbox Event Router reads from {@code tracingspancontext}; null outside a trace. W3C values hold
     * neither backslashes nor line breaks, so one {@code key=value} line each is that form.
     */
    private String spanContext() {
        Context current = Context.current();
        if (!Span.fromContext(current).getSpanContext().isValid()) {
            return null;
        }
        StringBuilder properties = new StringBuilder();
        tracing.getPropagators().getTextMapPropagator().inject(current, properties,
                (text, key, value) -> text.append(key).append('=').append(value).append('\n'));
        return properties.toString();
    }

    private String payloadOf(OutboxEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event " + event.eventType() + " is not serialisable", e);
        }
    }
}
