package dev.outbox.relay.lag;

import dev.outbox.relay.engine.EngineStatus;
import dev.outbox.relay.engine.RelayConfig;
import dev.outbox.relay.engine.RelayEngine;
import dev.outbox.relay.engine.RelayProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready while the engine streams no further behind than {@code relay.max-behind}, or while it stands by to take over
 * (a standby that went out of service would stall a rolling deploy waiting for the new instance to be ready).
 */
@Readiness
@ApplicationScoped
public class RelayReadiness implements HealthCheck {

    static final String NAME = "outbox-relay";

    @Inject
    RelayEngine engine;

    @Inject
    RelayProgress progress;

    @Inject
    RelayConfig relay;

    @Override
    public HealthCheckResponse call() {
        return evaluate(engine.status(), progress.millisBehind(), relay.maxBehind())
                .withData("role", engine.role())
                .withData("thread", engine.threadState()).build();
    }

    static HealthCheckResponseBuilder evaluate(EngineStatus status, long behindMillis, Duration maxBehind) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .withData("engine", status.state().name())
                .withData("detail", status.detail())
                .withData("behindSourceMillis", behindMillis)
                .withData("maxBehindMillis", maxBehind.toMillis());
        if (status.state() == EngineStatus.State.STARTING) {
            response.withData("attempt", status.attempt());
        }
        boolean streaming = status.state() == EngineStatus.State.STREAMING;
        boolean tooFarBehind = behindMillis > maxBehind.toMillis();
        if (streaming && tooFarBehind) {
            response.withData("reason", "behind the database by " + behindMillis + " ms");
        }
        boolean standingBy = status.state() == EngineStatus.State.STANDBY;
        return response.status(standingBy || streaming && !tooFarBehind);
    }
}
