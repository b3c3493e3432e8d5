package dev.outbox.bench.relay;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * A consumer on its own thread that notes, for every event on the topic, when this JVM received it and when the
 * broker appended it (the topic uses LogAppendTime), keyed by the CloudEvents id the relay copies from the outbox.
 */
final class KafkaTap implements AutoCloseable {

    /** When an event reached this JVM ({@link System#nanoTime()}) and the broker's log (epoch ms). */
    record Arrival(long receivedNanos, long appendedEpochMillis) {
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final Map<UUID, Arrival> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    KafkaTap(String bootstrapServers, String topic, int partitions) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "relay-bench-tap",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A fetch returns as soon as one byte is there: the tap must add no batching delay of its own.
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList());
        thread = new Thread(this::consume, "kafka-tap");
        thread.start();
    }

    long received() {
        return arrivals.size();
    }

    long duplicates() {
        return duplicates.get();
    }

    Arrival arrival(UUID id) {
        return arrivals.get(id);
    }

    /** Waits until every one of {@code ids} has arrived; returns how many are still missing at the deadline. */
    long await(Collection<UUID> ids, Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        long missing = ids.size();
        while (System.nanoTime() < until) {
            if (failure.get() != null) {
                throw failure.get();
            }
            missing = ids.stream().filter(id -> !arrivals.containsKey(id)).count();
            if (missing == 0) {
                return 0;
            }
            Thread.sleep(missing > 1_000 ? 500 : 20);
        }
        return missing;
    }

    private void consume() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    Header id = record.headers().lastHeader("ce_id");
                    if (arrivals.putIfAbsent(UUID.fromString(new String(id.value(), StandardCharsets.UTF_8)),
                            new Arrival(now, record.timestamp())) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        consumer.close();
    }

    static List<UUID> ids(List<OutboxWriter.Written> written) {
        return written.stream().map(OutboxWriter.Written::id).toList();
    }
}
