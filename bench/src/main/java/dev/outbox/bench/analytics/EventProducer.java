package dev.outbox.bench.analytics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes blog events as cdc-relay does (key = author id, header {@code id} = event id, the event's JSON as the value,
 * lz4 and a 5 ms linger like the relay's producer); BlogPublished and BlogUpdated carry ~1.5 KB of title and prose.
 */
final class EventProducer implements AutoCloseable {

    static final Map<String, String> SETTINGS = Map.of("acks", "all", "linger.ms", "5", "compression.type", "lz4");

    private static final String[] WORDS = ("analytics counts every blog an author publishes from the events the relay "
            + "copies out of the outbox so a reader of the profile page sees a total that trails the truth by "
            + "moments and never counts a redelivered event twice").split(" ");
    private static final int BODY_CHARACTERS = 1_300;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final SplittableRandom prose = new SplittableRandom(7);
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    EventProducer(String bootstrapServers, String topic) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, SETTINGS.get("acks"),
                ProducerConfig.LINGER_MS_CONFIG, SETTINGS.get("linger.ms"),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, SETTINGS.get("compression.type")),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Sends without waiting; a failed send fails the next {@link #flush()}. */
    void send(BlogEventStream.Event event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("id", utf8(event.id().toString()));
        headers.add("ce_type", utf8("dev.outbox.blog." + event.kind().eventType));
        headers.add("content-type", utf8("application/json"));
        producer.send(new ProducerRecord<>(topic, null, utf8(Long.toString(event.authorId())), payload(event), headers),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    void flush() {
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("A send to " + topic + " failed", failure.get());
        }
    }

    /** The event as blog-app's outbox holds it (see event-contract's examples). */
    private byte[] payload(BlogEventStream.Event event) {
        StringBuilder json = new StringBuilder(BODY_CHARACTERS + 400);
        json.append("{\"event_id\": \"").append(event.id()).append("\", \"event_type\": \"")
                .append(event.kind().eventType).append("\", \"schema_version\": 1, \"occurred_at\": \"")
                .append("2026-11-24T01:31:06.297513Z\", \"aggregate_id\": \"").append(event.blogId())
                .append("\", \"blog_id\": ").append(event.blogId())
                .append(", \"author_id\": ").append(event.authorId());
        if (event.kind() != BlogEventStream.Kind.DELETED) {
            json.append(", \"title\": \"Notes on ").append(word()).append(' ').append(event.blogId())
                    .append("\", \"body\": \"");
            int end = json.length() + BODY_CHARACTERS;
            while (json.length() < end) {
                json.append(word()).append(' ');
            }
            json.setLength(json.length() - 1);
            json.append("\", \"tags\": [\"kafka\", \"").append(word()).append("\"], \"version\": ")
                    .append(event.kind() == BlogEventStream.Kind.PUBLISHED ? 1 : 2);
        }
        return utf8(json.append('}').toString());
    }

    private String word() {
        return WORDS[prose.nextInt(WORDS.length)];
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
