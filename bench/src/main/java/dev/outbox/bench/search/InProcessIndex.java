package dev.outbox.bench.search;

import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.kafka.BlogText;
import dev.outbox.bench.kafka.EventProducer;
import dev.outbox.bench.load.LoadClient;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.embedded.process.WorkDirectory;
import dev.outbox.search.index.BlogChange;
import dev.outbox.search.index.LuceneIndexes;
import dev.outbox.search.index.Partition;
import dev.outbox.search.index.SearchIndex;
import dev.outbox.search.index.SearchResults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * search-indexer's own index code in this JVM, without Kafka, Quarkus or HTTP: the events' bytes parsed by
 * {@link BlogChange#read} and applied in batches by {@link SearchIndex#apply}, exactly the indexer's path from a
 * polled batch on, then queried through {@link SearchIndex#search}, which {@code GET /search} calls.
 */
final class InProcessIndex implements AutoCloseable {

    /** An event as a record on the topic carries it: the {@code id} header and the JSON value. */
    record EncodedEvent(String idHeader, byte[] payload) {
    }

    /** Events applied, the time it took, and where the CPU went meanwhile. */
    record Indexing(int events, long nanos, CpuSplit.Share cpu) {
        double perSecond() {
            return events / (nanos / 1e9);
        }
    }

    private final Path directory;
    private final SearchIndex index;

    private InProcessIndex(Path directory, SearchIndex index) {
        this.directory = directory;
        this.index = index;
    }

    /** A new, empty index in {@code directory}; whatever was there is removed. */
    static InProcessIndex create(Path directory) throws IOException {
        WorkDirectory.deleteRecursively(directory);
        return new InProcessIndex(directory, new LuceneIndexes(directory).openLive());
    }

    static List<EncodedEvent> encode(List<BlogEventStream.Event> events, BlogText.Source texts) {
        List<EncodedEvent> encoded = new ArrayList<>(events.size());
        for (BlogEventStream.Event event : events) {
            encoded.add(new EncodedEvent(event.id().toString(), EventProducer.payload(event, texts)));
        }
        return encoded;
    }

    /**
     * Applies all of {@code events} in batches of {@code batchSize}, one commit each as the indexer does; the offsets
     * only go into a commit's user data, so one partition stands for the topic's three.
     */
    Indexing apply(List<EncodedEvent> events, int batchSize, CpuSplit cpuSplit) throws IOException {
        Partition partition = new Partition("blog.events", 0);
        CpuSplit.Snapshot cpuStart = cpuSplit.snapshot();
        long start = System.nanoTime();
        for (int from = 0; from < events.size(); from += batchSize) {
            int to = Math.min(events.size(), from + batchSize);
            List<BlogChange> changes = new ArrayList<>(to - from);
            for (EncodedEvent event : events.subList(from, to)) {
                changes.add(BlogChange.read(event.idHeader(), event.payload()));
            }
            index.apply(changes, Map.of(partition, (long) to));
        }
        long nanos = System.nanoTime() - start;
        return new Indexing(events.size(), nanos, cpuStart.until(cpuSplit.snapshot()));
    }

    long documents() throws IOException {
        return index.documents();
    }

    Path directory() {
        return directory;
    }

    List<Hits> hits(List<QueryMix.Query> queries) throws IOException {
        List<Hits> hits = new ArrayList<>(queries.size());
        for (QueryMix.Query query : queries) {
            SearchResults results = index.search(query.request());
            hits.add(new Hits(results.totalHits(), results.totalHitsExact()));
        }
        return hits;
    }

    LoadClient client(QueryMix.Client queries) {
        return () -> {
            QueryMix.Query query = queries.next();
            index.search(query.request());
            return query.kind();
        };
    }

    @Override
    public void close() throws IOException {
        index.close();
    }
}
