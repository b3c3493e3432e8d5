package dev.outbox.relay.lag;

import dev.outbox.consumer.FreshnessMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A group's freshness from its members' commit metadata: one sample per new commit, over a window, p50 and p99. */
class GroupFreshnessTest {

    private static final TopicPartition P0 = new TopicPartition("blog.events", 0);
    private static final TopicPartition P1 = new TopicPartition("blog.events", 1);
    private static final long NOW = 1_764_650_000_000L;

    private final GroupFreshness freshness = new GroupFreshness();

    @Test
    void eachNewCommitIsOneSampleAndARepeatedOneIsNot() {
        for (int i = 1; i <= 100; i++) {
            freshness.observe("search", i % 2 == 0 ? P0 : P1, metadata(NOW - 1000 + i, i * 10L));
            freshness.observe("search", i % 2 == 0 ? P0 : P1, metadata(NOW - 1000 + i, i * 10L));
        }

        GroupFreshness.Quantiles quantiles = freshness.quantiles("search", NOW).orElseThrow();
        assertThat(quantiles.p50Seconds()).isEqualTo(0.5);
        assertThat(quantiles.p99Seconds()).isEqualTo(0.99);
    }

    @Test
    void samplesOlderThanTheWindowAreForgottenSoADeadGroupHasNoFreshness() {
        freshness.observe("analytics", P0, metadata(NOW - GroupFreshness.WINDOW.toMillis() - 1, 40));
        assertThat(freshness.quantiles("analytics", NOW)).isEmpty();

        freshness.observe("analytics", P0, metadata(NOW, 40));
        assertThat(freshness.quantiles("analytics", NOW).orElseThrow().p99Seconds()).isEqualTo(0.04);
    }

    @Test
    void metadataThatIsNotOursIsIgnoredAndAGroupDeletedIsForgotten() {
        for (String foreign : new String[] {"", "checkpoint 17", "{\"committed_at\":\"soon\",\"applied_at\":1}",
                "{\"other\":1}", "[1,2]", "null"}) {
            freshness.observe("other-tool", P0, foreign);
        }
        freshness.observe("other-tool", P1, null);
        assertThat(freshness.quantiles("other-tool", NOW)).isEmpty();

        freshness.observe("search", P0, metadata(NOW, 10));
        freshness.retainOnly(Set.of("analytics"));
        assertThat(freshness.quantiles("search", NOW)).isEmpty();
    }

    /** As event-consumer's Freshness writes it. */
    private static String metadata(long appliedAt, long freshnessMillis) {
        return new FreshnessMetadata(appliedAt - freshnessMillis, appliedAt).text();
    }
}
