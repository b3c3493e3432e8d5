package dev.outbox.relay.lag;

import dev.outbox.relay.engine.EngineStatus;
import dev.outbox.relay.engine.RelayConfig;
import dev.outbox.relay.engine.RelayEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the engine streams and the relay is no further behind than {@code relay.max-behind}. */
@Readiness
@ApplicationScoped
public class RelayReadiness implements HealthCheck {

    @Inject
    RelayEngine engine;

    @Inject
    RelayProgress progress;

    @Inject
    RelayConfig relay;

    @Override
    public HealthCheckResponse call() {
        EngineStatus status = engine.status();
        long behind = progress.millisBehind();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay")
                .withData("engine", status.state().name())
                .withData("detail", status.detail())
                .withData("behindSourceMillis", behind)
                .withData("maxBehindMillis", relay.maxBehind().toMillis());
        if (status.state() == EngineStatus.State.STARTING) {
            response.withData("attempt", status.attempt());
        }
        boolean streaming = status.state() == EngineStatus.State.STREAMING;
        if (streaming && behind > relay.maxBehind().toMillis()) {
            response.withData("reason", "behind the database by " + behind + " ms");
        }
        return response.status(streaming && behind <= relay.maxBehind().toMillis()).build();
    }
}
