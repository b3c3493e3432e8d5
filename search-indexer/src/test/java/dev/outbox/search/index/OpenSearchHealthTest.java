package dev.outbox.search.index;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A cluster that takes connections and never answers, as a hung node or a stuck proxy does. */
class OpenSearchHealthTest {

    @Test
    void aClusterThatNeverAnswersIsDownWithinTheHealthTimeoutNotTheClientsThirtySeconds() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             OpenSearchIndexes indexes = OpenSearchIndexes.connect("http://127.0.0.1:" + silent.getLocalPort(),
                     Optional.empty(), Optional.empty(), "blogs", new SimpleMeterRegistry())) {
            // One request times out; well under the 30 s a request without the health timeout would wait.
            Duration bound = Duration.ofSeconds(OpenSearchIndexes.HEALTH_REQUEST_TIMEOUT.toSeconds() * 4);

            SearchIndexes.Health health = assertTimeoutPreemptively(bound, indexes::health);

            assertThat(health.up()).isFalse();
            assertThat(health.details().get("reason")).contains("Timeout");
        }
    }
}
