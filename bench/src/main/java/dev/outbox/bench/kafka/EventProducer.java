package dev.outbox.bench.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Writes blog events as cdc-relay does (key = author id, header {@code id} = event id, the event's JSON as the value,
 * lz4 and a 5 ms linger like the relay's producer), BlogPublished and BlogUpdated with the text of a
 * {@link BlogText.Source}.
 */
public final class EventProducer implements AutoCloseable {

    public static final Map<String, String> SETTINGS =
            Map.of("acks", "all", "linger.ms", "5", "compression.type", "lz4");

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final BlogText.Source texts;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public EventProducer(String bootstrapServers, String topic, BlogText.Source texts) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, SETTINGS.get("acks"),
                ProducerConfig.LINGER_MS_CONFIG, SETTINGS.get("linger.ms"),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, SETTINGS.get("compression.type")),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.texts = texts;
    }

    /** Sends without waiting; a failed send fails the next {@link #flush()}. */
    public void send(BlogEventStream.Event event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("id", utf8(event.id().toString()));
        headers.add("ce_type", utf8("dev.outbox.blog." + event.kind().eventType));
        headers.add("content-type", utf8("application/json"));
        producer.send(new ProducerRecord<>(topic, null, utf8(Long.toString(event.authorId())),
                        payload(event, texts), headers),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    public void flush() {
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("A send to " + topic + " failed", failure.get());
        }
    }

    /** The event as blog-app's outbox holds it (see event-contract's examples), a deletion without text. */
    public static byte[] payload(BlogEventStream.Event event, BlogText.Source texts) {
        StringBuilder json = new StringBuilder(2_048);
        json.append("{\"event_id\": \"").append(event.id()).append("\", \"event_type\": \"")
                .append(event.kind().eventType).append("\", \"schema_version\": 1, \"occurred_at\": \"")
                .append("2026-11-24T01:31:06.297513Z\", \"aggregate_id\": \"").append(event.blogId())
                .append("\", \"blog_id\": ").append(event.blogId())
                .append(", \"author_id\": ").append(event.authorId());
        if (event.kind() != BlogEventStream.Kind.DELETED) {
            BlogText text = texts.of(event);
            json.append(", \"title\": \"").append(text.title()).append("\", \"body\": \"").append(text.body())
                    .append("\", \"tags\": [")
                    .append(text.tags().stream().map(tag -> '"' + tag + '"').collect(Collectors.joining(", ")))
                    .append(']');
        }
        return utf8(json.append(", \"version\": ").append(event.version()).append('}').toString());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
