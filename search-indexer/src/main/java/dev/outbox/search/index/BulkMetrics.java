package dev.outbox.search.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the OpenSearch backend's bulk requests (one per batch) cost and how they end, in base units:
 * {@code search_opensearch_bulk_seconds{outcome}} and {@code search_opensearch_bulk_failed_documents_total{reason}}.
 */
final class BulkMetrics {

    /** Every item written, or skipped as redelivered or stale (409). */
    static final String OK = "ok";
    /** Some items failed for a reason that may pass (429, 5xx, a closed index): the batch is retried. */
    static final String RETRIED = "retried";
    /** A document refused for its content: the batch is split and that event dead-lettered. */
    static final String REFUSED = "refused";
    /** The request itself failed (unreachable, refused as a whole): the batch is retried. */
    static final String ERROR = "error";

    private final Map<String, Timer> bulks = new HashMap<>();
    private final Map<String, Counter> failedDocuments = new HashMap<>();

    /**
     * Every series exists from the start, at 0: a counter that first appears at 1 shows no increase to Prometheus'
     * rate() and increase(), so the first failure would go unseen on the dashboard and by the alerts.
     */
    BulkMetrics(MeterRegistry registry) {
        for (String outcome : List.of(OK, RETRIED, REFUSED, ERROR)) {
            bulks.put(outcome, Timer.builder("search.opensearch.bulk")
                    .description("Bulk requests of the OpenSearch backend, one per batch, by outcome")
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(5))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry));
        }
        for (String reason : List.of(RETRIED, REFUSED)) {
            failedDocuments.put(reason, Counter.builder("search.opensearch.bulk.failed.documents")
                    .description("Documents a bulk request did not write, by reason (retried or refused)")
                    .tag("reason", reason)
                    .register(registry));
        }
    }

    void record(String outcome, long nanos) {
        bulks.get(outcome).record(Duration.ofNanos(nanos));
    }

    void failedDocuments(String reason, int count) {
        failedDocuments.get(reason).increment(count);
    }
}
