package dev.outbox.search.index;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the index backend answers: an OpenSearch cluster that is unreachable, red or lost the alias makes the
 * instance unready at once, before a batch has to fail; the local Lucene index is ready while its folder can be written.
 */
@Readiness
@ApplicationScoped
public class BackendReadiness implements HealthCheck {

    @Inject
    SearchIndexes indexes;

    @Override
    public HealthCheckResponse call() {
        SearchIndexes.Health health = indexes.health();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("search-backend").status(health.up());
        health.details().forEach(response::withData);
        return response.build();
    }
}
