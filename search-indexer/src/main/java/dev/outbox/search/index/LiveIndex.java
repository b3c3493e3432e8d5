package dev.outbox.search.index;

import dev.outbox.consumer.EventHandler.Applied;
import dev.outbox.search.SearchConfig;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The index queries and the consumer use right now. A rebuild swaps it for a fresh one while holding the
 * indexing lock, so no batch lands in the old index after the fresh one caught up; queries never wait.
 */
@Startup
@ApplicationScoped
public class LiveIndex {

    private static final Logger LOG = Logger.getLogger(LiveIndex.class);
    private static final Duration FIRST_OPEN_BACKOFF = Duration.ofSeconds(1);

    @Inject
    SearchIndexes indexes;

    @Inject
    MeterRegistry metrics;

    @Inject
    SearchConfig config;

    private final ReentrantLock indexing = new ReentrantLock();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile SearchIndex current;
    private volatile String notOpenBecause = "not opened yet";
    private volatile boolean closing;
    private Thread opener;

    @PostConstruct
    void open() {
        Gauge.builder("search.index.documents", this, LiveIndex::documentsOrNaN)
                .description("Live blogs in the search index").register(metrics);
        if (!tryOpen()) {
            opener = new Thread(this::openUntilOpened, "search-index-opener");
            opener.setDaemon(true);
            opener.start();
        }
    }

    /**
     * Runs {@code start} once the index is open: at once if it is. A member whose backend is down when it starts (a
     * cluster restarting, services started in another order) waits, unready, instead of exiting.
     */
    public void whenOpen(Runnable start) {
        opened.thenRun(start);
    }

    public boolean isOpen() {
        return current != null;
    }

    /** After the shutdown observers, so the consumer has stopped applying batches before the index closes. */
    @PreDestroy
    void close() throws IOException {
        closing = true;
        if (opener != null) {
            opener.interrupt();
        }
        indexing.lock();
        try {
            if (current != null) {
                current.close();
            }
        } finally {
            indexing.unlock();
        }
    }

    private void openUntilOpened() {
        Duration backoff = FIRST_OPEN_BACKOFF;
        while (!closing) {
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (tryOpen()) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(config.maxRetryBackoff()) > 0
                    ? config.maxRetryBackoff() : backoff.multipliedBy(2);
        }
    }

    private boolean tryOpen() {
        SearchIndex index;
        try {
            index = indexes.openLive();
        } catch (IOException | RuntimeException e) {
            notOpenBecause = e.toString();
            LOG.warnf("Cannot open the search index yet (%s); retrying", e);
            return false;
        }
        current = index;
        LOG.infof("Search index %s is open", index.location());
        opened.complete(null);
        return true;
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
            return live().apply(changes, offsets);
        } finally {
            indexing.unlock();
        }
    }

    public Optional<Map<TopicPartition, Long>> positions() throws IOException {
        return live().positions().map(recorded -> {
            Map<TopicPartition, Long> kafka = new HashMap<>();
            recorded.forEach((partition, offset) -> kafka.put(
                    new TopicPartition(partition.topic(), partition.number()), offset));
            return kafka;
        });
    }

    public boolean isTransient(Exception failure) {
        return live().isTransient(failure);
    }

    public SearchResults search(SearchRequest request) {
        try {
            try {
                return live().search(request);
            } catch (AlreadyClosedException e) {
                // A swap closed (Lucene) or deleted (OpenSearch) the index under this query; the new one answers.
                return live().search(request);
            }
        } catch (IOException | AlreadyClosedException e) {
            // Gone again: not a swap but a lost index (deleted by hand, say), until a rebuild brings it back.
            throw unanswered(e);
        }
    }

    public long documents() {
        try {
            try {
                return live().documents();
            } catch (AlreadyClosedException e) {
                return live().documents();
            }
        } catch (IOException | AlreadyClosedException e) {
            throw unanswered(e);
        }
    }

    private static IndexUnavailableException unanswered(Exception e) {
        return new IndexUnavailableException("The search index did not answer: " + e, e);
    }

    private SearchIndex live() {
        SearchIndex index = current;
        if (index == null) {
            throw new IndexUnavailableException("The search index is not open yet: " + notOpenBecause, null);
        }
        return index;
    }

    private double documentsOrNaN() {
        try {
            return documents();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    public String name() {
        return live().name();
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
            SearchIndex old = live();
            current = fresh;
            indexes.discard(old);
            LOG.infof("Search index swapped: %s is live with %d blogs", fresh.location(), fresh.documents());
        } finally {
            indexing.unlock();
        }
    }
}
