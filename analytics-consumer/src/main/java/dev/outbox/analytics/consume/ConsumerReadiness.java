package dev.outbox.analytics.consume;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when this instance owns partitions and can reach the database (the datasource check covers the rest). */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    @Inject
    EventConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("analytics-consumer")
                .withData("partitions", consumer.assignment().toString())
                .status(consumer.isReady())
                .build();
    }
}
