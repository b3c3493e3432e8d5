package dev.outbox.search.consume;

import dev.outbox.consumer.ConsumerSettings;
import dev.outbox.consumer.EventHandler;
import dev.outbox.consumer.GroupConsumer;
import dev.outbox.consumer.Records;
import dev.outbox.contract.EventHeaders;
import dev.outbox.search.SearchConfig;
import dev.outbox.search.index.BlogChange;
import dev.outbox.search.index.LiveIndex;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka adapter of the search consumer group: {@link GroupConsumer} polls, dead-letters poison events and
 * commits offsets after each batch is in the index. With Lucene a partition starts where the index says it stopped,
 * not where the group's offsets say: an index restored from a backup, or deleted, is brought up to date from the
 * topic instead of silently missing blogs. An OpenSearch index keeps no offsets (members share it), so there the
 * group's committed offsets apply. A member joins once the index is open, which waits for a backend down at start.
 * A member that cannot go on makes the process exit non-zero, for compose or {@code ./run-local} to restart it.
 */
@ApplicationScoped
public class IndexingConsumer implements EventHandler<BlogChange> {

    @Inject
    SearchConfig config;

    @Inject
    LiveIndex index;

    @Inject
    MeterRegistry metrics;

    @Inject
    OpenTelemetry tracing;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private GroupConsumer<BlogChange> member;

    void start(@Observes StartupEvent startup) {
        member = new GroupConsumer<>(ConsumerSettings.of("search", bootstrapServers, config), this, metrics, tracing,
                failure -> Quarkus.asyncExit(1));
        // Not in the group before the index can take batches: a member holding partitions it cannot apply would
        // only stall them.
        index.whenOpen(member::start);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        member.stop();
    }

    @Override
    public BlogChange read(ConsumerRecord<byte[], byte[]> record) {
        return BlogChange.read(Records.header(record, EventHeaders.ID), record.value());
    }

    @Override
    public Applied apply(List<BlogChange> changes, Map<TopicPartition, Long> nextOffsets) throws IOException {
        return index.apply(changes, nextOffsets);
    }

    /** The backend tells: each refuses a document it can never index in its own way. */
    @Override
    public boolean isTransient(Exception failure) {
        return index.isTransient(failure);
    }

    /**
     * A partition an offset-keeping index has never seen is read from its first offset; with an index that keeps
     * none, every partition starts at the group's committed offset.
     */
    @Override
    public Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> assigned) {
        try {
            Optional<Map<TopicPartition, Long>> recorded = index.positions();
            if (recorded.isEmpty()) {
                return Map.of();
            }
            Map<TopicPartition, Long> indexed = recorded.get();
            Map<TopicPartition, Long> starts = new HashMap<>();
            assigned.forEach(partition -> starts.put(partition, indexed.getOrDefault(partition, 0L)));
            return starts;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the offsets recorded in the search index", e);
        }
    }

    public GroupConsumer<BlogChange> member() {
        return member;
    }
}
