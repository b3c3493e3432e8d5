package dev.outbox.search.index;

import dev.outbox.consumer.EventPayload;
import dev.outbox.consumer.PoisonEventException;
import org.apache.lucene.index.IndexWriter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A blog event as the index sees it: the blog's state at {@code version} (a deletion carries no text). A
 * tolerant reader of the contract: fields it does not need are ignored.
 */
public record BlogChange(UUID eventId, Kind kind, long blogId, long authorId, long version, String title,
                         String body, List<String> tags) {

    public enum Kind {
        PUBLISHED, UPDATED, DELETED;

        /** Fails loudly on a type this indexer does not know: the event goes to the dead-letter topic. */
        static Kind of(String eventType) {
            return switch (eventType) {
                case "BlogPublished" -> PUBLISHED;
                case "BlogUpdated" -> UPDATED;
                case "BlogDeleted" -> DELETED;
                default -> throw new PoisonEventException("unknown event type '" + eventType + "'");
            };
        }
    }

    /** @param idHeader the {@code id} header set by the relay, or null when absent (then the payload's event_id). */
    public static BlogChange read(String idHeader, byte[] payload) {
        EventPayload event = EventPayload.parse(payload);
        Kind kind = Kind.of(event.text("event_type"));
        UUID id = event.eventId(idHeader);
        long blogId = event.positive("blog_id");
        long authorId = event.positive("author_id");
        long version = event.positive("version");
        if (kind == Kind.DELETED) {
            return new BlogChange(id, kind, blogId, authorId, version, null, null, List.of());
        }
        List<String> tags = event.texts("tags");
        for (String tag : tags) {
            // A tag is indexed whole, as one term: Lucene refuses the document, so the live indexer and a rebuild
            // would fail on it for ever.
            int bytes = tag.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > IndexWriter.MAX_TERM_LENGTH) {
                throw new PoisonEventException("a tag of " + bytes + " bytes is longer than the index's term limit ("
                        + IndexWriter.MAX_TERM_LENGTH + ")");
            }
        }
        return new BlogChange(id, kind, blogId, authorId, version, event.text("title"), event.text("body"), tags);
    }

    /** How every backend stores and matches a tag: case and surrounding blanks do not count. */
    static String normalizedTag(String tag) {
        return tag.strip().toLowerCase(Locale.ROOT);
    }

    public boolean isDeletion() {
        return kind == Kind.DELETED;
    }
}
