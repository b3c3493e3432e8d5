package dev.outbox.search.index;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BulkMetricsTest {

    @Test
    void everyOutcomeAndFailureReasonIsThereAtZeroBeforeTheFirstBulk() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BulkMetrics metrics = new BulkMetrics(registry);

        for (String outcome : new String[] {BulkMetrics.OK, BulkMetrics.RETRIED, BulkMetrics.REFUSED, BulkMetrics.ERROR}) {
            assertThat(registry.get("search.opensearch.bulk").tag("outcome", outcome).timer().count()).isZero();
        }
        for (String reason : new String[] {BulkMetrics.RETRIED, BulkMetrics.REFUSED}) {
            assertThat(registry.get("search.opensearch.bulk.failed.documents").tag("reason", reason).counter().count())
                    .isZero();
        }

        metrics.failedDocuments(BulkMetrics.REFUSED, 2);
        metrics.record(BulkMetrics.REFUSED, 1_000_000);
        assertThat(registry.get("search.opensearch.bulk.failed.documents").tag("reason", BulkMetrics.REFUSED)
                .counter().count()).isEqualTo(2);
        assertThat(registry.get("search.opensearch.bulk").tag("outcome", BulkMetrics.REFUSED).timer().count())
                .isEqualTo(1);
    }
}
