package dev.outbox.search.index;

import dev.outbox.consumer.EventHandler.Applied;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A full-text index of the live blogs, kept from the event stream: Lucene on local disk ({@link LuceneSearchIndex}),
 * or an OpenSearch index that several members of the group write at once ({@link OpenSearchSearchIndex}).
 */
public interface SearchIndex extends Closeable {

    /**
     * Upserts and deletes by blog id, ignoring any change whose version is not newer than the indexed one (a
     * redelivery or a stale event), and records {@code nextOffsets} with the changes where the index keeps offsets.
     * Durable and searchable on return: a crash afterwards loses neither the changes nor the offsets.
     */
    Applied apply(List<BlogChange> changes, Map<Partition, Long> nextOffsets) throws IOException;

    /**
     * For each partition, the offset after the last event applied, as recorded by {@link #apply}; empty when this
     * index keeps no offsets (one shared by several members cannot hold each one's), and the group's committed
     * offsets say where to start.
     */
    Optional<Map<Partition, Long>> positions() throws IOException;

    /** @throws InvalidQueryException when the query text cannot be parsed or breaks a limit */
    SearchResults search(SearchRequest request) throws IOException;

    /** Live blogs in the index (deleted ones are not counted). */
    long documents() throws IOException;

    /**
     * Whether a failure of {@link #apply} may pass by itself (the batch is retried) or comes from a change this index
     * can never take (the batch is split until that change is found, and it is dead-lettered).
     */
    boolean isTransient(Exception failure);

    /** Where the index lives, for the server's log. */
    String location();

    /** A name for operators that reveals no server path: the generation, an OpenSearch index name. */
    String name();
}
