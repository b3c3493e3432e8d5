package dev.outbox.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A record's JSON payload, read tolerantly: a consumer asks only for the fields it needs, and a field that is
 * missing or of the wrong type makes the event poison ({@link PoisonEventException}) rather than a crash.
 */
public final class EventPayload {

    // Text after the object ("{} {}") is not one payload: refused, not silently cut.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode event;

    private EventPayload(JsonNode event) {
        this.event = event;
    }

    public static EventPayload parse(byte[] payload) {
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
        return new EventPayload(event);
    }

    /** The event id: the relay's {@code id} header when present, else the payload's {@code event_id}. */
    public UUID eventId(String idHeader) {
        String id = idHeader != null ? idHeader : text("event_id");
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("event id '" + id + "' is not a UUID", e);
        }
    }

    public String text(String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual()) {
            throw new PoisonEventException("missing text field '" + field + "'");
        }
        return value.asText();
    }

    public long positive(String field) {
        JsonNode value = event.get(field);
        // A whole number, as JSON Schema's integer (7.0 is one); 1.5 is not an id to round down.
        if (value == null || !value.isNumber() || !value.canConvertToExactIntegral() || !value.canConvertToLong()
                || value.asLong() < 1) {
            throw new PoisonEventException("missing or invalid field '" + field + "'");
        }
        return value.asLong();
    }

    /** A list of strings; absent or null reads as empty. */
    public List<String> texts(String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new PoisonEventException("field '" + field + "' is not a list");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new PoisonEventException("field '" + field + "' holds a value that is not text");
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
