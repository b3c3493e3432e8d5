package dev.outbox.bench.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A consumer group's lag on the topic as the broker sees it: end offsets minus the group's committed offsets. */
public final class GroupLag implements AutoCloseable {

    /** The group's committed position, summed over partitions, and how far it is behind the topic's end. */
    public record Position(long committed, long lag) {
    }

    private final Admin admin;
    private final List<TopicPartition> partitions;

    public GroupLag(String bootstrapServers, String topic, int partitions) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.partitions = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    public Position position(String group) throws InterruptedException, ExecutionException, TimeoutException {
        // Committed offsets first: the end can only have moved on since, so the lag is never negative.
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> end = endOffsets();
        long position = 0;
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            long at = offset == null ? 0 : offset.offset();
            position += at;
            lag += end.get(partition) - at;
        }
        return new Position(position, lag);
    }

    /** The topic's end offsets summed over partitions: how many records it has taken since it was created. */
    public long endOffsetsSum() throws InterruptedException, ExecutionException, TimeoutException {
        return endOffsets().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Commits the topic's end offsets for a group with no members, so it starts after everything written so far. */
    public void skipToEnd(String group) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> end = new HashMap<>();
        endOffsets().forEach((partition, offset) -> end.put(partition, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(group, end).all().get(10, TimeUnit.SECONDS);
    }

    private Map<TopicPartition, Long> endOffsets() throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        end.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    @Override
    public void close() {
        admin.close();
    }
}
