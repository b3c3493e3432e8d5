package dev.outbox.relay.lag;

import dev.outbox.relay.engine.RelayProgress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page's memory stays bounded: the last hour of samples, the oldest forgotten first. */
class StatusHistoryTest {

    private static final long START = 1_764_650_000_000L;

    @Test
    void keepsTheLastHourOfSamplesAndForgetsTheOldestFirst() {
        StatusHistory history = new StatusHistory();
        history.slots = new SlotMonitor() {
            @Override
            public SlotLag read() {
                return new SlotLag("outbox_relay", true, true, 4096, 8192, List.of());
            }
        };
        history.progress = new RelayProgress();
        history.groups = new ConsumerGroups() {
            @Override
            public synchronized Reading read() {
                return new Reading(List.of(new GroupLag("search", 7, List.of("blog.events"), 1.5, 0.1, 0.2)), null,
                        300);
            }
        };
        long intervals = StatusHistory.WINDOW.dividedBy(StatusHistory.INTERVAL);

        for (int i = 0; i < 2 * intervals; i++) {
            history.sample(START + i * StatusHistory.INTERVAL.toMillis());
        }

        List<StatusHistory.Sample> samples = history.read().samples();
        long last = START + (2 * intervals - 1) * StatusHistory.INTERVAL.toMillis();
        assertThat(samples).as("one hour of samples").hasSize((int) intervals);
        assertThat(samples.get(0).at()).isGreaterThanOrEqualTo(last - StatusHistory.WINDOW.toMillis());
        assertThat(samples.get(samples.size() - 1).at()).isEqualTo(last);
        assertThat(samples.get(samples.size() - 1).slotLagBytes()).isEqualTo(4096);
        assertThat(samples.get(samples.size() - 1).eventsPerSecond()).isZero();
        assertThat(samples.get(0).groups().get("search"))
                .isEqualTo(new StatusHistory.GroupSample(7, 1.5, 0.1, 0.2));
    }
}
