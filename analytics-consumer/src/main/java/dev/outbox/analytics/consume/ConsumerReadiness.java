package dev.outbox.analytics.consume;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when this instance is in its group, its last batch was applied and it has not failed; a member without
 * partitions is a ready standby and says it is idle. The datasource check covers the database.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    @Inject
    EventConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("analytics-consumer")
                .withData("partitions", consumer.assignment().toString())
                .withData("idle", consumer.isIdle())
                .status(consumer.isReady())
                .build();
    }
}
