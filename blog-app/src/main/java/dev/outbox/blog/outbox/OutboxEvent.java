package dev.outbox.blog.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * A fact to deliver downstream. The accessors map one-to-one onto the outbox columns that
 * Debezium's Outbox Event Router reads: {@code aggregateId} becomes the Kafka key (per-key order),
 * {@code aggregateType} the topic, {@code eventId} the header consumers deduplicate on.
 */
public interface OutboxEvent {

    UUID eventId();

    String aggregateType();

    String aggregateId();

    String eventType();

    Instant occurredAt();

    int schemaVersion();
}
