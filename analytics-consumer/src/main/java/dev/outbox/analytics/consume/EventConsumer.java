package dev.outbox.analytics.consume;

import dev.outbox.analytics.AnalyticsConfig;
import dev.outbox.analytics.count.BlogCounter;
import dev.outbox.analytics.count.BlogEvent;
import dev.outbox.analytics.count.BlogEventReader;
import dev.outbox.consumer.ConsumerSettings;
import dev.outbox.consumer.EventHandler;
import dev.outbox.consumer.GroupConsumer;
import dev.outbox.consumer.PoisonEventException;
import dev.outbox.consumer.Records;
import dev.outbox.contract.EventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Kafka adapter of the analytics consumer group: {@link GroupConsumer} polls, dead-letters poison events and
 * commits offsets; each batch is handed to {@link BlogCounter}, which applies it in one database transaction. A
 * member that cannot go on makes the process exit non-zero, for compose or {@code ./run-local} to restart it.
 */
@ApplicationScoped
public class EventConsumer implements EventHandler<BlogEvent> {

    @Inject
    AnalyticsConfig config;

    @Inject
    BlogCounter counter;

    @Inject
    MeterRegistry metrics;

    @Inject
    OpenTelemetry tracing;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private GroupConsumer<BlogEvent> member;
    private Set<BlogEvent.Kind> rejected;

    void start(@Observes StartupEvent startup) {
        rejected = config.rejectEventTypes().orElse(Set.of()).stream().map(EventConsumer::kind)
                .collect(Collectors.toUnmodifiableSet());
        member = new GroupConsumer<>(ConsumerSettings.of("analytics", bootstrapServers, config), this, metrics, tracing,
                failure -> Quarkus.asyncExit(1));
        member.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        member.stop();
    }

    @Override
    public BlogEvent read(ConsumerRecord<byte[], byte[]> record) {
        BlogEvent event = BlogEventReader.read(Records.header(record, EventHeaders.ID), record.value());
        if (rejected.contains(event.kind())) {
            throw new PoisonEventException("rejected by analytics.reject-event-types (fault injection)");
        }
        return event;
    }

    @Override
    public Applied apply(List<BlogEvent> events, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        return counter.apply(config.groupId(), events);
    }

    /**
     * Only a data or constraint error (SQL states 22xxx, 23xxx) comes from the events themselves; anything else
     * (connection lost, serialization failure, a missing grant or table) can be fixed without them: retried.
     */
    @Override
    public boolean isTransient(Exception failure) {
        String state = failure instanceof SQLException sql ? sql.getSQLState() : null;
        return state == null || !(state.startsWith("22") || state.startsWith("23"));
    }

    /** A setting naming a type this consumer does not know is a typo: refused at start, not ignored. */
    private static BlogEvent.Kind kind(String eventType) {
        try {
            return BlogEvent.Kind.of(eventType.strip());
        } catch (PoisonEventException e) {
            throw new IllegalStateException("analytics.reject-event-types (ANALYTICS_REJECT_EVENT_TYPES): " + e.getMessage()
                    + "; the types are BlogPublished, BlogUpdated, BlogDeleted");
        }
    }

    public GroupConsumer<BlogEvent> member() {
        return member;
    }
}
