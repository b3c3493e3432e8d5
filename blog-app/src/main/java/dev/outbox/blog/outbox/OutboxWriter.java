package dev.outbox.blog.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.sql.Timestamp;

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists if and only if
 * the business write that caused it committed. The row is deleted in the same transaction: the
 * relay reads the insert from the WAL, so the table never grows and needs no cleanup job.
 */
@ApplicationScoped
public class OutboxWriter {

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    /** MANDATORY: an event written outside the business transaction would be a dual write. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(OutboxEvent event) {
        em.createNativeQuery("""
                        insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version)
                        values (?1, ?2, ?3, ?4, cast(?5 as jsonb), ?6, ?7)""")
                .setParameter(1, event.eventId())
                .setParameter(2, event.aggregateType())
                .setParameter(3, event.aggregateId())
                .setParameter(4, event.eventType())
                .setParameter(5, payloadOf(event))
                .setParameter(6, Timestamp.from(event.occurredAt()))
                .setParameter(7, event.schemaVersion())
                .executeUpdate();
        em.createNativeQuery("delete from outbox where id = ?1")
                .setParameter(1, event.eventId())
                .executeUpdate();
    }

    private String payloadOf(OutboxEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event " + event.eventType() + " is not serialisable", e);
        }
    }
}
