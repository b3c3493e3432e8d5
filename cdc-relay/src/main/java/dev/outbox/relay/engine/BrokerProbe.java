package dev.outbox.relay.engine;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails within seconds when the broker is unreachable. Without it the engine's offset store would wait on Kafka
 * indefinitely, and health could only say "starting", not why.
 */
@ApplicationScoped
class BrokerProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    void requireReachable() throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()))) {
            admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable("");
        } catch (ExecutionException e) {
            // Whichever timeout fires first, the client's own or this wait's, the operator reads the same reason.
            throw unreachable(" (" + e.getCause().getMessage() + ")");
        }
    }

    private IllegalStateException unreachable(String why) {
        return new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within "
                + TIMEOUT.toSeconds() + " s" + why);
    }
}
