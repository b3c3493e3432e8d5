package dev.outbox.relay.lag;

import dev.outbox.relay.engine.RelayConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How far each downstream consumer group is behind on the topics this relay writes ({@code *<topic-suffix>}):
 * the topics' end offsets minus the group's committed offsets, read with Kafka's admin API; how stale it is (the age
 * of the oldest event it has not consumed, from that record's {@code committedAt}, 0 without lag: right even when
 * every member is dead); and how fresh it was over the last minutes (p50/p99 of commit to applied, from the metadata
 * its members commit with their offsets). One read serves every caller for a second, so a status page left open
 * costs the broker little; each group's figures are on /q/metrics too ({@code relay_group_*}).
 */
@ApplicationScoped
public class ConsumerGroups {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final long REUSE_NANOS = 1_000_000_000L;

    /**
     * A group's records not yet consumed, summed over the relay's topics it reads; its staleness in seconds (null
     * while behind only on records without a commit time); its freshness p50/p99 in seconds over the last
     * {@link GroupFreshness#WINDOW} (null when it applied nothing in it).
     */
    public record GroupLag(String group, long lag, List<String> topics, Double stalenessSeconds,
                           Double freshnessP50Seconds, Double freshnessP99Seconds) {
    }

    /** The groups, or why they could not be read; the staleness over which the alert fires. */
    public record Reading(List<GroupLag> groups, String error, double stalenessThresholdSeconds) {
    }

    @Inject
    RelayConfig relay;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    MeterRegistry metrics;

    private final GroupFreshness freshness = new GroupFreshness();
    private final Set<String> metered = new HashSet<>();
    private Admin admin;
    private CommitTimes commitTimes;
    private volatile Reading last;
    private long readAtNanos;

    /**
     * {@link StatusHistory} reads the groups every few seconds whoever looks: a group's gauges exist from its first
     * reading, and its freshness window needs samples while no page is open.
     */
    void start(@Observes StartupEvent startup) {
        Gauge.builder("relay.group.staleness.threshold.seconds", this,
                        groups -> groups.relay.groupMaxStaleness().toMillis() / 1000.0)
                .description("Staleness past which a group fires the alert GroupStale (RELAY_GROUP_MAX_STALENESS)")
                .register(metrics);
    }

    public synchronized Reading read() {
        long now = System.nanoTime();
        if (last == null || now - readAtNanos > REUSE_NANOS) {
            double threshold = relay.groupMaxStaleness().toMillis() / 1000.0;
            try {
                last = new Reading(readGroups(), null, threshold);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                last = new Reading(List.of(), "cannot read consumer groups: " + e.getMessage(), threshold);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = new Reading(List.of(), "interrupted", threshold);
            }
            readAtNanos = now;
            last.groups().forEach(this::meter);
        }
        return last;
    }

    synchronized void close(@Observes ShutdownEvent shutdown) {
        if (admin != null) {
            admin.close(TIMEOUT);
        }
        if (commitTimes != null) {
            commitTimes.close();
        }
    }

    /** A group's gauges, from its first reading on; a scrape reads the last refresh and never waits for Kafka. */
    private void meter(GroupLag group) {
        if (!metered.add(group.group())) {
            return;
        }
        String name = group.group();
        Tags tags = Tags.of("group", name);
        Gauge.builder("relay.group.staleness.seconds", this, groups -> groups.figure(name, GroupLag::stalenessSeconds))
                .description("Age of the oldest event the group has not consumed, from Kafka; 0 when it has no lag")
                .tags(tags).register(metrics);
        String quantileDescription = "Commit to applied in the group, over the last 5 minutes of its offset commits";
        Gauge.builder("relay.group.freshness.seconds", this,
                        groups -> groups.figure(name, GroupLag::freshnessP50Seconds))
                .description(quantileDescription).tags(tags.and("quantile", "0.5")).register(metrics);
        Gauge.builder("relay.group.freshness.seconds", this,
                        groups -> groups.figure(name, GroupLag::freshnessP99Seconds))
                .description(quantileDescription).tags(tags.and("quantile", "0.99")).register(metrics);
    }

    /** NaN when the group is gone or the figure unknown: no number rather than a wrong one. */
    private double figure(String group, Function<GroupLag, Double> figure) {
        Reading latest = last;
        return latest == null ? Double.NaN : latest.groups().stream().filter(lag -> lag.group().equals(group))
                .findFirst().map(figure).orElse(Double.NaN);
    }

    private List<GroupLag> readGroups() throws ExecutionException, InterruptedException, TimeoutException {
        Admin kafka = admin();
        List<String> groups = kafka.listGroups(ListGroupsOptions.forConsumerGroups()).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream().map(GroupListing::groupId).sorted().toList();
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
        Map<CommitTimes.Position, OptionalLong> oldestUnconsumed = commitTimes().at(committedByGroup.values().stream()
                .flatMap(offsets -> offsets.entrySet().stream())
                .filter(offset -> ends.getOrDefault(offset.getKey(), 0L) > offset.getValue().offset())
                .map(offset -> new CommitTimes.Position(offset.getKey(), offset.getValue().offset()))
                .collect(Collectors.toSet()));
        long now = System.currentTimeMillis();
        freshness.retainOnly(committedByGroup.keySet());
        List<GroupLag> lags = new ArrayList<>();
        committedByGroup.forEach((group, committed) -> {
            committed.forEach((partition, offset) -> freshness.observe(group, partition, offset.metadata()));
            Optional<GroupFreshness.Quantiles> fresh = freshness.quantiles(group, now);
            lags.add(new GroupLag(group,
                    committed.entrySet().stream()
                            .mapToLong(offset -> Math.max(0, ends.getOrDefault(offset.getKey(), 0L)
                                    - offset.getValue().offset()))
                            .sum(),
                    committed.keySet().stream().map(TopicPartition::topic).distinct().sorted().toList(),
                    staleness(committed, ends, oldestUnconsumed, now),
                    fresh.map(GroupFreshness.Quantiles::p50Seconds).orElse(null),
                    fresh.map(GroupFreshness.Quantiles::p99Seconds).orElse(null)));
        });
        lags.sort(Comparator.comparing(GroupLag::group));
        return lags;
    }

    /**
     * The age of the oldest event the group has not consumed: over the partitions it is behind on, the oldest commit
     * time of the record at its committed offset. 0 without lag; null when it is behind only on records without a
     * commit time.
     */
    private static Double staleness(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> ends,
                                    Map<CommitTimes.Position, OptionalLong> oldestUnconsumed, long nowMillis) {
        List<OptionalLong> behind = committed.entrySet().stream()
                .filter(offset -> ends.getOrDefault(offset.getKey(), 0L) > offset.getValue().offset())
                .map(offset -> oldestUnconsumed.getOrDefault(
                        new CommitTimes.Position(offset.getKey(), offset.getValue().offset()), OptionalLong.empty()))
                .toList();
        if (behind.isEmpty()) {
            return 0.0;
        }
        OptionalLong oldest = behind.stream().filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).min();
        return oldest.isPresent() ? Math.max(0, nowMillis - oldest.getAsLong()) / 1000.0 : null;
    }

    private CommitTimes commitTimes() {
        if (commitTimes == null) {
            commitTimes = new CommitTimes(bootstrapServers, TIMEOUT);
        }
        return commitTimes;
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
