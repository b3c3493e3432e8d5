package dev.outbox.analytics.secrets;

import dev.outbox.embedded.process.QuarkusAppProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged consumer in the production profile refuses to start without its database password, naming the
 * variable, instead of falling back to a laptop default. It stops before it would connect to anything.
 */
class ProductionSecretsIT {

    @Test
    void aProductionStartWithoutTheDatabasePasswordFailsNamingTheVariable() throws Exception {
        assertThat(System.getenv("ANALYTICS_DB_PASSWORD")).as("ANALYTICS_DB_PASSWORD in the build's environment").isNull();
        // Nothing listens on port 1, in case the start got as far as the database or the broker.
        try (QuarkusAppProcess analytics = QuarkusAppProcess.launch("analytics-without-password", Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/blog",
                "kafka.bootstrap.servers", "127.0.0.1:1"))) {
            await("analytics exits").atMost(Duration.ofSeconds(90)).until(() -> !analytics.isAlive());

            assertThat(analytics.exitCode()).isPresent();
            assertThat(analytics.exitCode().getAsInt()).isNotZero();
            assertThat(analytics.log()).contains("Could not expand value ANALYTICS_DB_PASSWORD");
        }
    }
}
