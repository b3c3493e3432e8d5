package dev.outbox.analytics.count;

import dev.outbox.consumer.EventPayload;

/** Reads the fields the count needs from a record's id header and JSON payload; anything unusable is poison. */
public final class BlogEventReader {

    private BlogEventReader() {
    }

    /** @param idHeader the {@code id} header set by the relay, or null when absent (then the payload's event_id). */
    public static BlogEvent read(String idHeader, byte[] payload) {
        EventPayload event = EventPayload.parse(payload);
        BlogEvent.Kind kind = BlogEvent.Kind.of(event.text("event_type"));
        return new BlogEvent(event.eventId(idHeader), kind, event.positive("blog_id"), event.positive("author_id"));
    }
}
