package dev.outbox.relay.lag;

import dev.outbox.consumer.NativeLz4;
import dev.outbox.consumer.Records;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The commit time ({@code committedAt} header) of the record at a given offset: for a group behind on a partition, the
 * oldest event it has not consumed, hence its staleness, read from Kafka itself so it holds when every member of the
 * group is dead. One group-less consumer assigned and seeked to just those offsets; a position asked again (a stuck
 * group) is answered from the last read, so a refresh fetches only positions that moved.
 */
final class CommitTimes implements AutoCloseable {


    /** A record position: partition and offset. */
    record Position(TopicPartition partition, long offset) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;
    private Map<Position, OptionalLong> known = new HashMap<>();

    CommitTimes(String bootstrapServers, Duration timeout) {
        this.timeout = timeout;
        // The status page may read before the engine's producer exists: whichever Kafka client comes first decides.
        NativeLz4.load();
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "relay-status-commit-times",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // A committed offset whose record retention deleted: the oldest record left is the oldest unconsumed.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // One record per partition is all it needs.
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The commit time in epoch ms of the record at (or, when it is gone, first after) each position; empty for a
     * record without the header (relayed before it existed) or one not read within the timeout.
     */
    Map<Position, OptionalLong> at(Set<Position> positions) {
        Map<Position, OptionalLong> found = new HashMap<>();
        Map<Position, OptionalLong> read = new HashMap<>();
        List<Position> toRead = new ArrayList<>();
        for (Position position : positions) {
            OptionalLong before = known.get(position);
            if (before != null) {
                found.put(position, before);
            } else {
                toRead.add(position);
            }
        }
        // One position per partition at a time: several groups behind on one partition take a round each.
        while (!toRead.isEmpty()) {
            Map<TopicPartition, Position> round = new HashMap<>();
            toRead.removeIf(position -> round.putIfAbsent(position.partition(), position) == null);
            read.putAll(read(round));
        }
        found.putAll(read);
        known = new HashMap<>(found);
        positions.forEach(position -> found.putIfAbsent(position, OptionalLong.empty()));
        return found;
    }

    /** What was read of each position; a position not read within the timeout is left out, to be read again. */
    private Map<Position, OptionalLong> read(Map<TopicPartition, Position> round) {
        Map<Position, OptionalLong> read = new HashMap<>();
        consumer.assign(round.keySet());
        round.forEach((partition, position) -> consumer.seek(partition, position.offset()));
        Set<TopicPartition> missing = new HashSet<>(round.keySet());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
            for (TopicPartition partition : records.partitions()) {
                if (missing.remove(partition)) {
                    read.put(round.get(partition), Records.committedAtMillis(records.records(partition).get(0)));
                    consumer.pause(Set.of(partition));
                }
            }
        }
        consumer.assign(Set.of());
        return read;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
