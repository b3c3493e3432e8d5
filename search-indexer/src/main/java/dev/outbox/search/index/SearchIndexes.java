package dev.outbox.search.index;

import java.io.IOException;

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
}
