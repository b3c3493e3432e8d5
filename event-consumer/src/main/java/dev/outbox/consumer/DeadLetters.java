package dev.outbox.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies poison events byte for byte to the dead-letter topic, with headers saying why and where from, and
 * waits for Kafka's acknowledgement: the source offset is committed only once the copy is safe. The header names are
 * what {@code deadletter}'s list and replay read back.
 */
public final class DeadLetters {

    /** Every header the dead-letter machinery adds starts with it; a replay strips them to get the event back. */
    public static final String HEADER_PREFIX = "dlq.";
    public static final String REASON = "dlq.reason";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String CONSUMER_GROUP = "dlq.consumer.group";
    /** The record keeps the event's own timestamp; this says when it was dead-lettered. */
    public static final String DEAD_LETTERED_AT = "dlq.dead-lettered-at";

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String consumerGroup;

    DeadLetters(KafkaProducer<byte[], byte[]> producer, String topic, String consumerGroup) {
        this.producer = producer;
        this.topic = topic;
        this.consumerGroup = consumerGroup;
    }

    /** A record that cannot be applied, and why. */
    record Poison(ConsumerRecord<byte[], byte[]> record, String reason) {
    }

    void send(List<Poison> poisons) throws ExecutionException, InterruptedException, TimeoutException {
        List<Future<RecordMetadata>> acks = poisons.stream().map(this::copy).map(producer::send).toList();
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private ProducerRecord<byte[], byte[]> copy(Poison poison) {
        ConsumerRecord<byte[], byte[]> source = poison.record();
        RecordHeaders headers = new RecordHeaders(source.headers().toArray());
        headers.add(REASON, utf8(poison.reason()));
        headers.add(SOURCE_TOPIC, utf8(source.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        headers.add(CONSUMER_GROUP, utf8(consumerGroup));
        headers.add(DEAD_LETTERED_AT, utf8(Instant.now().toString()));
        return new ProducerRecord<>(topic, null, source.timestamp(), source.key(), source.value(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
