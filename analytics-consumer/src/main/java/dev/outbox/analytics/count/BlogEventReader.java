package dev.outbox.analytics.count;

import dev.outbox.consumer.PoisonEventException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.UUID;

/** Reads the fields the count needs from a record's id header and JSON payload; anything unusable is poison. */
public final class BlogEventReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BlogEventReader() {
    }

    /** @param idHeader the {@code id} header set by the relay, or null when absent (then the payload's event_id). */
    public static BlogEvent read(String idHeader, byte[] payload) {
        if (payload == null) {
            throw new PoisonEventException("empty payload");
        }
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonEventException("payload is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PoisonEventException("payload is unreadable: " + e.getMessage(), e);
        }
        if (event == null || !event.isObject()) {
            throw new PoisonEventException("payload is not a JSON object");
        }
        String id = idHeader != null ? idHeader : text(event, "event_id");
        BlogEvent.Kind kind = BlogEvent.Kind.of(text(event, "event_type"));
        return new BlogEvent(uuid(id), kind, positive(event, "blog_id"), positive(event, "author_id"));
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual()) {
            throw new PoisonEventException("missing text field '" + field + "'");
        }
        return value.asText();
    }

    private static long positive(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.canConvertToLong() || value.asLong() < 1) {
            throw new PoisonEventException("missing or invalid field '" + field + "'");
        }
        return value.asLong();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("event id '" + id + "' is not a UUID", e);
        }
    }
}
