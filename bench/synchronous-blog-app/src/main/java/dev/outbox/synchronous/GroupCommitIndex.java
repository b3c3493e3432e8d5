package dev.outbox.synchronous;

import dev.outbox.search.index.BlogChange;
import dev.outbox.search.index.LuceneIndexes;
import dev.outbox.search.index.SearchIndex;
import io.quarkus.runtime.Startup;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The search index as the synchronous way writes it: {@link #index} returns once the change is searchable and
 * committed to disk, as an Elasticsearch call with {@code refresh} and per-request translog durability does. Commits
 * are grouped, as Elasticsearch groups translog fsyncs: whoever takes the commit lock applies every change waiting at
 * that moment in one search-indexer {@link SearchIndex#apply} (one refresh, one Lucene commit), and the callers whose
 * changes it carried return without committing again. One commit per request would serialise the requests on fsyncs
 * and measure a straw man.
 */
@Startup
@ApplicationScoped
public class GroupCommitIndex {

    @ConfigMapping(prefix = "synchronous")
    public interface Settings {
        /** Holds the index, in search-indexer's layout; only this process may use it. */
        @WithDefault("data/synchronous-search-index")
        Path indexDir();
    }

    /** A caller's change until a commit carried it; written and read under the commit lock. */
    private static final class Waiting {
        final BlogChange change;
        boolean committed;
        Exception failure;

        Waiting(BlogChange change) {
            this.change = change;
        }
    }

    private static final Logger LOG = Logger.getLogger(GroupCommitIndex.class);

    @Inject
    Settings settings;

    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock committing = new ReentrantLock();
    private SearchIndex index;

    @PostConstruct
    void open() {
        try {
            index = new LuceneIndexes(settings.indexDir()).openLive();
            LOG.infof("Search index at %s holds %d blogs", index.location(), index.documents());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the search index", e);
        }
    }

    @PreDestroy
    void close() throws IOException {
        committing.lock();
        try {
            LOG.infof("Search index at %s holds %d blogs; closing it", index.location(), index.documents());
            index.close();
        } finally {
            committing.unlock();
        }
    }

    /** Returns once {@code change} is searchable and durable; throws if the commit that carried it failed. */
    public void index(BlogChange change) {
        Waiting mine = new Waiting(change);
        waiting.add(mine);
        committing.lock();
        try {
            if (!mine.committed) {
                commitAllWaiting();
            }
            if (mine.failure != null) {
                throw new IllegalStateException("The search index commit failed", mine.failure);
            }
        } finally {
            committing.unlock();
        }
    }

    /** Live blogs in the index. */
    public long documents() throws IOException {
        return index.documents();
    }

    private void commitAllWaiting() {
        List<Waiting> group = new ArrayList<>();
        for (Waiting next = waiting.poll(); next != null; next = waiting.poll()) {
            group.add(next);
        }
        Exception failure = null;
        try {
            // No Kafka offsets to record: the request, not a consumer, is the source of these changes.
            index.apply(group.stream().map(w -> w.change).toList(), Map.of());
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        for (Waiting carried : group) {
            carried.committed = true;
            carried.failure = failure;
        }
    }
}
