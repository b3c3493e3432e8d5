package dev.outbox.search.consume;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when this instance is in its group, its last batch reached the index and it has not failed; a member
 * without partitions is a ready standby and says it is idle.
 */
@Readiness
@ApplicationScoped
public class IndexerReadiness implements HealthCheck {

    @Inject
    IndexingConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("search-indexer")
                .withData("partitions", consumer.assignment().toString())
                .withData("idle", consumer.isIdle())
                .withData("lag", consumer.lag())
                .status(consumer.isReady())
                .build();
    }
}
