package dev.outbox.search.support;

import dev.outbox.testsupport.SharedInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Writes blog events to a topic the way cdc-relay does: key = author id, header id = event id, JSON payload. */
public final class BlogEvents implements AutoCloseable {

    private final KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
    private final String topic;

    public BlogEvents(String topic) {
        this.topic = topic;
    }

    /** A blog as the events describe it at one version. */
    public record Blog(long id, long author, long version, String title, String body, List<String> tags) {

        public Blog next(String newTitle, String newBody) {
            return new Blog(id, author, version + 1, newTitle, newBody, tags);
        }
    }

    public UUID published(Blog blog) {
        return send(UUID.randomUUID(), "BlogPublished", blog);
    }

    public UUID updated(Blog blog) {
        return send(UUID.randomUUID(), "BlogUpdated", blog);
    }

    public UUID deleted(long blogId, long authorId, long version) {
        UUID eventId = UUID.randomUUID();
        raw(Long.toString(authorId), """
                {"event_id": "%s", "event_type": "BlogDeleted", "schema_version": 1, "aggregate_id": "%d",
                 "blog_id": %d, "author_id": %d, "version": %d}"""
                .formatted(eventId, authorId, blogId, authorId, version), eventId.toString());
        return eventId;
    }

    /** Sends an event with a given id: sending the same id and blog twice is what a redelivery looks like. */
    public UUID send(UUID eventId, String type, Blog blog) {
        String tags = blog.tags().stream().map(tag -> '"' + tag + '"').collect(Collectors.joining(", "));
        String payload = """
                {"event_id": "%s", "event_type": "%s", "schema_version": 1, "occurred_at": "2026-11-24T00:00:00Z",
                 "aggregate_id": "%d", "blog_id": %d, "author_id": %d, "title": "%s", "body": "%s", "tags": [%s],
                 "version": %d}"""
                .formatted(eventId, type, blog.author(), blog.id(), blog.author(), blog.title(), blog.body(), tags,
                        blog.version());
        raw(Long.toString(blog.author()), payload, eventId.toString());
        return eventId;
    }

    /**
     * Sends any value under a key, with an optional id header (poison events use this). Sends do not wait for
     * Kafka; the idempotent producer keeps them in order per partition and {@link #close()} waits for all.
     */
    public void raw(String key, String value, String idHeader) {
        RecordHeaders headers = new RecordHeaders();
        if (idHeader != null) {
            headers.add("id", idHeader.getBytes(StandardCharsets.UTF_8));
        }
        producer.send(new ProducerRecord<>(topic, null, key, value, headers));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
