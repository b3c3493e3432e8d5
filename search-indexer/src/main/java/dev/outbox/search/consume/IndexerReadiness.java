package dev.outbox.search.consume;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when this instance owns partitions and its last batch reached the index. */
@Readiness
@ApplicationScoped
public class IndexerReadiness implements HealthCheck {

    @Inject
    IndexingConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("search-indexer")
                .withData("partitions", consumer.assignment().toString())
                .withData("lag", consumer.lag())
                .status(consumer.isReady())
                .build();
    }
}
