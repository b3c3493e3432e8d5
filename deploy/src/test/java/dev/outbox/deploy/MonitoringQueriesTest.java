package dev.outbox.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MonitoringQueriesTest {

    @Test
    void findsTheScrapedMetricsOfAQueryNotItsFunctionsLabelsDurationsOperatorsOrPrometheusOwnSeries() {
        assertThat(MonitoringQueries.scrapedMetricNames("histogram_quantile(0.99, sum by (le, outcome) "
                + "(rate(search_opensearch_bulk_seconds_bucket{outcome!=\"error\", job=~\"search.*\"}[$__rate_interval])))"))
                .containsExactly("search_opensearch_bulk_seconds_bucket");
        assertThat(MonitoringQueries.scrapedMetricNames("max by (group) (relay_group_staleness_seconds) > on (group) "
                + "relay_group_staleness_threshold_seconds and time() - process_start_time_seconds > 300"))
                .containsExactly("process_start_time_seconds", "relay_group_staleness_seconds",
                        "relay_group_staleness_threshold_seconds");
        assertThat(MonitoringQueries.scrapedMetricNames("sum(relay_active) != 1 or absent(relay_active) offset 5m"))
                .containsExactly("relay_active");
        assertThat(MonitoringQueries.scrapedMetricNames("up{job=\"cdc-relay\"} == 0 unless scrape_duration_seconds > 1"))
                .isEmpty();
    }

    @Test
    void readsEveryAlertRuleAndEveryDashboardTarget() {
        Path root = Path.of("..");
        assertThat(MonitoringQueries.alertExpressions(root)).hasSizeGreaterThanOrEqualTo(14)
                .anyMatch(expr -> expr.contains("relay_slot_retained_bytes"));
        assertThat(MonitoringQueries.dashboardExpressions(root)).hasSizeGreaterThanOrEqualTo(23)
                .anyMatch(expr -> expr.contains("search_opensearch_bulk_seconds_bucket"));
    }
}
