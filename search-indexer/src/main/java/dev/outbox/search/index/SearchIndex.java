package dev.outbox.search.index;

import dev.outbox.consumer.EventHandler.Applied;
import org.apache.kafka.common.TopicPartition;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A full-text index of the live blogs, kept from the event stream. The embedded implementation is Lucene on
 * local disk; an OpenSearch or Elasticsearch one would implement the same contract for installations that
 * outgrow one machine.
 */
public interface SearchIndex extends Closeable {

    /**
     * Upserts and deletes by blog id, ignoring any change whose version is not newer than the indexed one (a
     * redelivery or a stale event), and records {@code nextOffsets} with the changes. Durable on return: a crash
     * afterwards loses neither the changes nor the offsets.
     */
    Applied apply(List<BlogChange> changes, Map<TopicPartition, Long> nextOffsets) throws IOException;

    /** For each partition, the offset after the last event applied, as recorded by {@link #apply}. */
    Map<TopicPartition, Long> positions() throws IOException;

    /** @throws InvalidQueryException when the query text cannot be parsed or breaks a limit */
    SearchResults search(SearchRequest request) throws IOException;

    /** Live blogs in the index (deleted ones are not counted). */
    long documents() throws IOException;

    /** Where the index lives, for the server's log. */
    String location();

    /** A name for operators that reveals no server path: the generation, an OpenSearch index name. */
    String name();
}
