package dev.outbox.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;

/**
 * What a member commits with a partition's offset, {@code {"committed_at":…,"applied_at":…}}: when its last applied
 * event's source transaction committed and when the member applied it, in epoch ms. {@link Freshness} writes it;
 * cdc-relay's {@code GroupFreshness} reads it back to follow every group's freshness without asking its members.
 */
public record FreshnessMetadata(long committedAtMillis, long appliedAtMillis) {

    private static final String COMMITTED_AT = "committed_at";
    private static final String APPLIED_AT = "applied_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The offset commit's metadata text. */
    public String text() {
        return "{\"" + COMMITTED_AT + "\":" + committedAtMillis + ",\"" + APPLIED_AT + "\":" + appliedAtMillis + "}";
    }

    /** Reads it back; empty for metadata another tool committed, which is not ours. */
    public static Optional<FreshnessMetadata> parse(String metadata) {
        try {
            JsonNode node = JSON.readTree(metadata);
            JsonNode committedAt = node == null ? null : node.get(COMMITTED_AT);
            JsonNode appliedAt = node == null ? null : node.get(APPLIED_AT);
            if (committedAt == null || appliedAt == null || !committedAt.canConvertToLong()
                    || !appliedAt.canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new FreshnessMetadata(committedAt.asLong(), appliedAt.asLong()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
