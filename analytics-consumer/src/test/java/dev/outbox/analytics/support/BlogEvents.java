package dev.outbox.analytics.support;

import dev.outbox.testsupport.SharedInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes blog events to the topic the way cdc-relay does: key = author id, header id = event id, JSON payload.
 * Sends are batched, not acked one by one (that made a thousand events take seconds); {@link #flush()} (or closing)
 * waits for every ack and fails if any send failed. One producer keeps each key's events in order.
 */
public final class BlogEvents implements AutoCloseable {

    private final KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    private final String topic;
    private final AtomicReference<Exception> failed = new AtomicReference<>();

    public BlogEvents() {
        this(AnalyticsWorld.TOPIC);
    }

    public BlogEvents(String topic) {
        this.topic = topic;
    }

    public UUID published(long authorId, long blogId) {
        return send(UUID.randomUUID(), "BlogPublished", authorId, blogId);
    }

    public UUID deleted(long authorId, long blogId) {
        return send(UUID.randomUUID(), "BlogDeleted", authorId, blogId);
    }

    public UUID updated(long authorId, long blogId) {
        return send(UUID.randomUUID(), "BlogUpdated", authorId, blogId);
    }

    /** Sends an event with a given id: sending the same id twice is what a redelivery looks like. */
    public UUID send(UUID eventId, String type, long authorId, long blogId) {
        String payload = """
                {"event_id": "%s", "event_type": "%s", "schema_version": 1, "aggregate_id": "%d",
                 "blog_id": %d, "author_id": %d, "title": "t", "body": "b", "tags": [], "version": 1}"""
                .formatted(eventId, type, authorId, blogId, authorId);
        raw(Long.toString(authorId), payload, eventId.toString());
        return eventId;
    }

    /**
     * Sends any value under a key, with an optional id header (for poison events); with an id, also the commit time
     * the relay puts on every event (now), which the consumer's freshness is measured from.
     */
    public void raw(String key, String value, String idHeader) {
        RecordHeaders headers = new RecordHeaders();
        if (idHeader != null) {
            headers.add("id", idHeader.getBytes(StandardCharsets.UTF_8));
            headers.add("committedAt", Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        }
        producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, exception) -> {
            if (exception != null) {
                failed.compareAndSet(null, exception);
            }
        });
    }

    /** Returns once every event sent so far is acked by all in-sync replicas. */
    public void flush() {
        producer.flush();
        Exception exception = failed.get();
        if (exception != null) {
            throw new IllegalStateException("A send to " + topic + " failed", exception);
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            producer.close();
        }
    }
}
