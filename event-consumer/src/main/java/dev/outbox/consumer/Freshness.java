package dev.outbox.consumer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fresh one member keeps its group, measured from each event's {@code committedAt} header (the source
 * transaction's commit in Postgres, as the relay saw it):
 * <ul>
 * <li>{@code <name>.freshness.seconds}: commit to applied, for every event of a batch the handler applied, but not
 * for one it held already (a redelivery: its time since commit is not how long it took);</li>
 * <li>{@code <name>.staleness.seconds}: the age of the oldest event of the batch in hand until that batch is applied,
 * 0 between batches, so a caught-up idle member reads 0;</li>
 * <li>per partition, the last applied event's commit and apply times, which go into the offset commit's metadata
 * ({@link FreshnessMetadata}) so that the relay can follow every group's freshness without asking its members.</li>
 * </ul>
 * Events without the header (relayed before it existed) are left out. Both clocks are compared as they are: skew
 * between the database's host and the member's shows up in the figures (negative ages read 0).
 */
final class Freshness {

    private static final long NONE = Long.MIN_VALUE;

    private final Clock clock;
    private final Timer freshness;
    private final AtomicLong oldestHeldCommitMillis = new AtomicLong(NONE);
    private final Map<TopicPartition, String> lastAppliedByPartition = new ConcurrentHashMap<>();

    Freshness(String name, MeterRegistry metrics, Clock clock) {
        this.clock = clock;
        this.freshness = Timer.builder(name + ".freshness.seconds")
                .description("From the source transaction's commit (header committedAt) to the event applied")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(metrics);
        Gauge.builder(name + ".staleness.seconds", this, Freshness::stalenessSeconds)
                .description("Age of the oldest event this member holds and has not applied yet; 0 when it holds none")
                .register(metrics);
    }

    /** The events this member now holds and has not applied: the batch in hand, as it stands. */
    void holding(Collection<ConsumerRecord<byte[], byte[]>> records) {
        oldestHeldCommitMillis.set(records.stream().map(Records::committedAtMillis).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).min().orElse(NONE));
    }

    /** The batch in hand is done: applied and committed, or given up. */
    void released() {
        oldestHeldCommitMillis.set(NONE);
    }

    /**
     * The handler applied these events, in partition order: each counts in the histogram but those it held already
     * (positions set in {@code alreadyHeld}), whose commit-to-now is not how long they took.
     */
    void applied(List<ConsumerRecord<byte[], byte[]>> records, BitSet alreadyHeld) {
        long now = clock.millis();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            OptionalLong committedAt = Records.committedAtMillis(record);
            // Nor in the commit's metadata, from which the relay reads the group's freshness.
            if (committedAt.isPresent() && !alreadyHeld.get(i)) {
                freshness.record(Duration.ofMillis(Math.max(0, now - committedAt.getAsLong())));
                lastAppliedByPartition.put(new TopicPartition(record.topic(), record.partition()),
                        new FreshnessMetadata(committedAt.getAsLong(), now).text());
            }
        }
    }

    /**
     * What this member commits with the partition's offset: its last applied event's commit and apply times, a few
     * dozen bytes (Kafka's limit, {@code offset.metadata.max.bytes}, is 4 KiB by default); empty when it applied none
     * with a commit time. The relay reads it (cdc-relay's {@code GroupFreshness}).
     */
    String commitMetadata(TopicPartition partition) {
        return lastAppliedByPartition.getOrDefault(partition, "");
    }

    /** The partition went to another member, which commits its own figures. */
    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(lastAppliedByPartition::remove);
    }

    double stalenessSeconds() {
        long oldest = oldestHeldCommitMillis.get();
        return oldest == NONE ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
    }
}
