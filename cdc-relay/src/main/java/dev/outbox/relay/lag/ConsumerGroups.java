package dev.outbox.relay.lag;

import dev.outbox.relay.engine.RelayConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How far each downstream consumer group is behind on the topics this relay writes ({@code *<topic-suffix>}):
 * the topics' end offsets minus the group's committed offsets, read with Kafka's admin API. One read serves
 * every caller for a second, so a status page left open costs the broker little.
 */
@ApplicationScoped
public class ConsumerGroups {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final long REUSE_NANOS = 1_000_000_000L;

    /** A group's records not yet consumed, summed over the relay's topics it reads. */
    public record GroupLag(String group, long lag, List<String> topics) {
    }

    /** The groups, or why they could not be read. */
    public record Reading(List<GroupLag> groups, String error) {
    }

    @Inject
    RelayConfig relay;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private Admin admin;
    private Reading last;
    private long readAtNanos;

    public synchronized Reading read() {
        long now = System.nanoTime();
        if (last == null || now - readAtNanos > REUSE_NANOS) {
            try {
                last = new Reading(readGroups(), null);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                last = new Reading(List.of(), "cannot read consumer groups: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = new Reading(List.of(), "interrupted");
            }
            readAtNanos = now;
        }
        return last;
    }

    synchronized void close(@Observes ShutdownEvent shutdown) {
        if (admin != null) {
            admin.close(TIMEOUT);
        }
    }

    private List<GroupLag> readGroups() throws ExecutionException, InterruptedException, TimeoutException {
        Admin kafka = admin();
        List<String> groups = kafka.listConsumerGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .stream().map(ConsumerGroupListing::groupId).sorted().toList();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committedByGroup = new HashMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> relayTopics = kafka.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .entrySet().stream()
                    .filter(offset -> offset.getKey().topic().endsWith(relay.topicSuffix()) && offset.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            if (!relayTopics.isEmpty()) {
                committedByGroup.put(group, relayTopics);
            }
        }
        Map<TopicPartition, Long> ends = endOffsets(kafka, committedByGroup.values().stream()
                .flatMap(offsets -> offsets.keySet().stream()).distinct().toList());
        List<GroupLag> lags = new ArrayList<>();
        committedByGroup.forEach((group, committed) -> lags.add(new GroupLag(group,
                committed.entrySet().stream()
                        .mapToLong(offset -> Math.max(0, ends.getOrDefault(offset.getKey(), 0L)
                                - offset.getValue().offset()))
                        .sum(),
                committed.keySet().stream().map(TopicPartition::topic).distinct().sorted().toList())));
        lags.sort(Comparator.comparing(GroupLag::group));
        return lags;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin kafka, List<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = kafka.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        ends.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "relay-status",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
        }
        return admin;
    }
}
