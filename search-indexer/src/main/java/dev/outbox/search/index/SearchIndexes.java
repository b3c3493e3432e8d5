package dev.outbox.search.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Claims the one rebuild that may run across every process sharing these indexes, for {@code owner} (named to
     * whoever is refused); empty while another holds it. Lucene's indexes belong to one process, so there the claim is
     * always granted and the process's own rebuild refuses a second.
     */
    Optional<RebuildClaim> claimRebuild(String owner) throws IOException;

    /** Held while a rebuild runs; closing it lets the next one start. */
    interface RebuildClaim extends Closeable {

        /** The claim for an index no other process shares. */
        RebuildClaim LOCAL = new RebuildClaim() {
            @Override
            public void renew() {
            }

            @Override
            public void close() {
            }
        };

        /**
         * Tells the others the holder is still at it; a claim not renewed for a while is taken as a crashed holder's.
         *
         * @throws IOException when another member took it over meanwhile: the rebuild must stop
         */
        void renew() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The backend's state for readiness; {@code details} are for operators and name no server path or address. */
    record Health(boolean up, Map<String, String> details) {
    }
}
