package dev.outbox.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies poison events byte for byte to the dead-letter topic, with headers saying why and where from, and
 * waits for Kafka's acknowledgement: the source offset is committed only once the copy is safe.
 */
final class DeadLetters {

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
        headers.add("dlq.reason", utf8(poison.reason()));
        headers.add("dlq.source.topic", utf8(source.topic()));
        headers.add("dlq.source.partition", utf8(Integer.toString(source.partition())));
        headers.add("dlq.source.offset", utf8(Long.toString(source.offset())));
        headers.add("dlq.consumer.group", utf8(consumerGroup));
        return new ProducerRecord<>(topic, null, source.timestamp(), source.key(), source.value(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
