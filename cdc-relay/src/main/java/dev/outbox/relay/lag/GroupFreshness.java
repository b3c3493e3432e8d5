package dev.outbox.relay.lag;

import dev.outbox.consumer.FreshnessMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each consumer group's freshness (commit to applied) over a recent window, from what its members put in their offset
 * commits' metadata ({@link FreshnessMetadata}): the commit and apply times of the last event applied in that
 * partition. A sample is taken each time a partition's metadata changes between two reads, so it is a sample of the
 * group's batches, not every event: the members' own histograms ({@code <group>_freshness_seconds}) count every
 * event. Bounded: at most {@value #MAX_SAMPLES} samples per group.
 */
final class GroupFreshness {

    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int MAX_SAMPLES = 4096;

    /** p50 and p99 of the window's samples, in seconds. */
    record Quantiles(double p50Seconds, double p99Seconds) {
    }

    private record Sample(long appliedAtMillis, long freshnessMillis) {
    }

    private final Map<String, Map<TopicPartition, String>> lastMetadata = new HashMap<>();
    private final Map<String, Deque<Sample>> samples = new HashMap<>();

    /** A partition's committed metadata as read now; a new value is a new sample, a repeated one is not. */
    void observe(String group, TopicPartition partition, String metadata) {
        if (metadata == null || metadata.isEmpty()
                || metadata.equals(lastMetadata.computeIfAbsent(group, g -> new HashMap<>()).put(partition, metadata))) {
            return;
        }
        parse(metadata).ifPresent(sample -> {
            Deque<Sample> window = samples.computeIfAbsent(group, g -> new ArrayDeque<>());
            window.addLast(sample);
            if (window.size() > MAX_SAMPLES) {
                window.removeFirst();
            }
        });
    }

    /** The group's freshness over the window ending now; empty when it applied nothing in the window. */
    Optional<Quantiles> quantiles(String group, long nowMillis) {
        Deque<Sample> window = samples.get(group);
        if (window == null) {
            return Optional.empty();
        }
        window.removeIf(sample -> sample.appliedAtMillis() < nowMillis - WINDOW.toMillis());
        if (window.isEmpty()) {
            return Optional.empty();
        }
        long[] sorted = window.stream().mapToLong(Sample::freshnessMillis).sorted().toArray();
        return Optional.of(new Quantiles(rank(sorted, 0.5) / 1000.0, rank(sorted, 0.99) / 1000.0));
    }

    /** Forgets the groups not read any more (deleted), so their state does not accumulate. */
    void retainOnly(Set<String> groups) {
        lastMetadata.keySet().retainAll(groups);
        samples.keySet().retainAll(groups);
    }

    /** Nearest rank: the smallest sample at least {@code quantile} of the samples do not exceed. */
    private static long rank(long[] sorted, double quantile) {
        return sorted[Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    /** Metadata another tool committed is not ours: ignored. */
    private static Optional<Sample> parse(String metadata) {
        return FreshnessMetadata.parse(metadata).map(applied -> new Sample(applied.appliedAtMillis(),
                Math.max(0, applied.appliedAtMillis() - applied.committedAtMillis())));
    }
}
