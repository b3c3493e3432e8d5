package dev.outbox.search.consume;

import dev.outbox.consumer.MemberReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when this instance is in its group, its last batch reached the index and it has not failed. */
@Readiness
@ApplicationScoped
public class IndexerReadiness implements HealthCheck {

    @Inject
    IndexingConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return MemberReadiness.of("search-indexer", consumer.member());
    }
}
