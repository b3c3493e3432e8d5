package dev.outbox.search.index;

import java.io.IOException;
import java.util.Map;

/**
 * Where indexes live and which one queries use: Lucene generations in a directory here, an alias over
 * OpenSearch indexes elsewhere. A rebuild fills a fresh index and then makes it the live one.
 */
public interface SearchIndexes {

    SearchIndex openLive() throws IOException;

    SearchIndex createFresh() throws IOException;

    /** Makes {@code fresh} the index opened as live from now on, surviving restarts. */
    void makeLive(SearchIndex fresh) throws IOException;

    /** Closes an index no longer used and frees what it holds. */
    void discard(SearchIndex index) throws IOException;

    /** Whether the backend can take writes and answer queries now, asked on every readiness probe: cheap, no throw. */
    Health health();

    /** The backend's state for readiness; {@code details} are for operators and name no server path or address. */
    record Health(boolean up, Map<String, String> details) {
    }
}
