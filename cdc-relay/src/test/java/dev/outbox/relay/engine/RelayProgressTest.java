package dev.outbox.relay.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RelayProgressTest {

    private static final long NOW = 1_000_000;

    RelayProgress progress;

    @BeforeEach
    void progress() {
        progress = new RelayProgress();
        progress.metrics = new SimpleMeterRegistry();
        progress.clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        progress.registerMeters();
    }

    @Test
    void isZeroBeforeAnythingHappened() {
        assertThat(progress.millisBehind()).isZero();
    }

    @Test
    void whileABatchIsInFlightItIsTheAgeOfItsOldestChange() {
        progress.batchReceived(Optional.of(NOW - 4_000));

        assertThat(progress.millisBehind()).isEqualTo(4_000);
    }

    @Test
    void afterAFullBatchMoreIsQueuedSoItIsTheAgeOfTheNewestAckedChange() {
        progress.batchReceived(Optional.of(NOW - 4_000));
        progress.batchAcknowledged(Optional.of(NOW - 3_000), true);

        assertThat(progress.millisBehind()).isEqualTo(3_000);
    }

    @Test
    void afterAPartialBatchTheRelayIsCaughtUpAndReadsZeroHoweverOldTheLastEvent() {
        progress.batchReceived(Optional.of(NOW - 60_000));
        progress.batchAcknowledged(Optional.of(NOW - 60_000), false);

        assertThat(progress.millisBehind()).isZero();
        assertThat(progress.lastAck()).contains(Instant.ofEpochMilli(NOW));
    }

    @Test
    void countsEventsPerTopicAndBatches() {
        progress.eventRelayed("blog.events");
        progress.eventRelayed("blog.events");
        progress.batchAcknowledged(Optional.empty(), false);

        assertThat(progress.metrics.counter("relay.events", "topic", "blog.events").count()).isEqualTo(2);
        assertThat(progress.metrics.counter("relay.batches").count()).isEqualTo(1);
    }
}
