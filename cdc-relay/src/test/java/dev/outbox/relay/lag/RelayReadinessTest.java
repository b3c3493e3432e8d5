package dev.outbox.relay.lag;

import dev.outbox.relay.engine.EngineStatus;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RelayReadinessTest {

    private static final Duration MAX_BEHIND = Duration.ofSeconds(60);

    @Test
    void isUpWhileStreamingWithinTheThreshold() {
        HealthCheckResponse response =
                RelayReadiness.evaluate(state(EngineStatus.State.STREAMING), 59_000, MAX_BEHIND).build();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void isDownWithTheReasonWhenFurtherBehindThanTheThreshold() {
        HealthCheckResponse response =
                RelayReadiness.evaluate(state(EngineStatus.State.STREAMING), 61_000, MAX_BEHIND).build();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("reason", "behind the database by 61000 ms");
    }

    @Test
    void isDownUntilTheEngineStreamsAndShowsTheAttempt() {
        HealthCheckResponse response = RelayReadiness.evaluate(
                new EngineStatus(EngineStatus.State.STARTING, "start failed: Kafka at x did not answer", 3, Instant.now()),
                0, MAX_BEHIND).build();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("attempt", 3L)
                .containsEntry("detail", "start failed: Kafka at x did not answer");
    }

    @Test
    void isUpWhileStandingBySoARollingDeployCanProceed() {
        HealthCheckResponse response = RelayReadiness.evaluate(state(EngineStatus.State.STANDBY), 0, MAX_BEHIND).build();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("engine", "STANDBY");
    }

    @Test
    void isDownOnceStopped() {
        assertThat(RelayReadiness.evaluate(state(EngineStatus.State.STOPPED), 0, MAX_BEHIND).build().getStatus())
                .isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    private static EngineStatus state(EngineStatus.State state) {
        return new EngineStatus(state, "detail", 0, Instant.now());
    }
}
