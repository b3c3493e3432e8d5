package dev.outbox.analytics.consume;

import dev.outbox.consumer.MemberReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when this instance is in its group, its last batch was applied and it has not failed; the datasource check
 * covers the database.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    @Inject
    EventConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return MemberReadiness.of("analytics-consumer", consumer.member());
    }
}
