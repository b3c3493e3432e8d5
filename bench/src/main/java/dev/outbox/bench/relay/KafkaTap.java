package dev.outbox.bench.relay;

import dev.outbox.bench.kafka.TopicTap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notes, for every event on the topic, when this JVM received it and when the broker appended it (the topic uses
 * LogAppendTime), keyed by the CloudEvents id the relay copies from the outbox.
 */
final class KafkaTap implements AutoCloseable {

    /** When an event reached this JVM ({@link System#nanoTime()}) and the broker's log (epoch ms). */
    record Arrival(long receivedNanos, long appendedEpochMillis) {
    }

    private final Map<UUID, Arrival> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final TopicTap tap;

    KafkaTap(String bootstrapServers, String topic, int partitions) {
        tap = new TopicTap("relay-bench-tap", bootstrapServers, topic, partitions, TopicTap.From.BEGINNING,
                this::received);
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
            tap.throwIfFailed();
            missing = ids.stream().filter(id -> !arrivals.containsKey(id)).count();
            if (missing == 0) {
                return 0;
            }
            Thread.sleep(missing > 1_000 ? 500 : 20);
        }
        return missing;
    }

    private void received(ConsumerRecord<byte[], byte[]> record, long receivedNanos) {
        Header id = record.headers().lastHeader("ce_id");
        if (arrivals.putIfAbsent(UUID.fromString(new String(id.value(), StandardCharsets.UTF_8)),
                new Arrival(receivedNanos, record.timestamp())) != null) {
            duplicates.incrementAndGet();
        }
    }

    @Override
    public void close() throws InterruptedException {
        tap.close();
    }

    static List<UUID> ids(List<OutboxWriter.Written> written) {
        return written.stream().map(OutboxWriter.Written::id).toList();
    }
}
