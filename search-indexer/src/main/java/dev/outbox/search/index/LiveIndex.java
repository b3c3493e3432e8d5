package dev.outbox.search.index;

import dev.outbox.consumer.EventHandler.Applied;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.apache.lucene.store.AlreadyClosedException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The index queries and the consumer use right now. A rebuild swaps it for a fresh one while holding the
 * indexing lock, so no batch lands in the old index after the fresh one caught up; queries never wait.
 */
@Startup
@ApplicationScoped
public class LiveIndex {

    private static final Logger LOG = Logger.getLogger(LiveIndex.class);

    @Inject
    SearchIndexes indexes;

    @Inject
    MeterRegistry metrics;

    private final ReentrantLock indexing = new ReentrantLock();
    private volatile SearchIndex current;

    @PostConstruct
    void open() {
        try {
            current = indexes.openLive();
            LOG.infof("Search index at %s holds %d blogs", current.location(), current.documents());
            Gauge.builder("search.index.documents", this, LiveIndex::documentsOrNaN)
                    .description("Live blogs in the search index").register(metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the search index", e);
        }
    }

    /** After the shutdown observers, so the consumer has stopped applying batches before the index closes. */
    @PreDestroy
    void close() throws IOException {
        indexing.lock();
        try {
            current.close();
        } finally {
            indexing.unlock();
        }
    }

    /**
     * Called by the Kafka adapter with Kafka's partitions; the index below sees {@link Partition}s. (The conversion
     * moves into the adapter when the consumer adapters are merged into event-consumer.)
     */
    public Applied apply(List<BlogChange> changes, Map<TopicPartition, Long> nextOffsets) throws IOException {
        Map<Partition, Long> offsets = new HashMap<>();
        nextOffsets.forEach((partition, offset) -> offsets.put(
                new Partition(partition.topic(), partition.partition()), offset));
        indexing.lock();
        try {
            return current.apply(changes, offsets);
        } finally {
            indexing.unlock();
        }
    }

    public Optional<Map<TopicPartition, Long>> positions() throws IOException {
        return current.positions().map(recorded -> {
            Map<TopicPartition, Long> kafka = new HashMap<>();
            recorded.forEach((partition, offset) -> kafka.put(
                    new TopicPartition(partition.topic(), partition.number()), offset));
            return kafka;
        });
    }

    public boolean isTransient(Exception failure) {
        return current.isTransient(failure);
    }

    public SearchResults search(SearchRequest request) throws IOException {
        try {
            return current.search(request);
        } catch (AlreadyClosedException e) {
            // A swap closed (Lucene) or deleted (OpenSearch) the index under this query; the new one answers instead.
            return current.search(request);
        }
    }

    public long documents() throws IOException {
        try {
            return current.documents();
        } catch (AlreadyClosedException e) {
            return current.documents();
        }
    }

    private double documentsOrNaN() {
        try {
            return documents();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    public String name() {
        return current.name();
    }

    /**
     * Runs {@code finish} with indexing paused, makes the index it returns the live one (durably, before any
     * batch can reach it) and discards the old one.
     */
    public void swap(Callable<SearchIndex> finish) throws Exception {
        indexing.lock();
        try {
            SearchIndex fresh = finish.call();
            indexes.makeLive(fresh);
            SearchIndex old = current;
            current = fresh;
            indexes.discard(old);
            LOG.infof("Search index swapped: %s is live with %d blogs", fresh.location(), fresh.documents());
        } finally {
            indexing.unlock();
        }
    }
}
