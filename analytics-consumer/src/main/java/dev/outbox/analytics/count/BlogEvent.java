package dev.outbox.analytics.count;

import dev.outbox.consumer.PoisonEventException;

import java.util.UUID;

/**
 * The part of a blog event this consumer reads (a tolerant reader: title, body, tags and anything added
 * later are ignored). {@code kind} decides the effect on the author's count.
 */
public record BlogEvent(UUID eventId, Kind kind, long blogId, long authorId) {

    public enum Kind {
        PUBLISHED, UPDATED, DELETED;

        /** Fails loudly on a type this consumer does not know: the event goes to the dead-letter topic. */
        public static Kind of(String eventType) {
            return switch (eventType) {
                case "BlogPublished" -> PUBLISHED;
                case "BlogUpdated" -> UPDATED;
                case "BlogDeleted" -> DELETED;
                default -> throw new PoisonEventException("unknown event type '" + eventType + "'");
            };
        }
    }
}
