package dev.outbox.search.index;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A cluster that takes connections and never answers, as a hung node or a stuck proxy does. */
class OpenSearchHealthTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void aClusterThatNeverAnswersIsDownWithinTheHealthTimeoutNotTheClientsThirtySeconds() throws Exception {
        try (ServerSocket silent = silentCluster(); OpenSearchIndexes indexes = connect(silent, Duration.ofSeconds(30))) {
            // One request times out; well under the 30 s request timeout this client has.
            Duration bound = Duration.ofSeconds(OpenSearchIndexes.HEALTH_REQUEST_TIMEOUT.toSeconds() * 4);

            SearchIndexes.Health health = assertTimeoutPreemptively(bound, indexes::health);

            assertThat(health.up()).isFalse();
            assertThat(health.details().get("reason")).contains("Timeout");
        }
    }

    /** Every request, a batch's bulk too: a member must not be held for the client's default 30 s per attempt. */
    @Test
    void anyRequestToAClusterThatNeverAnswersFailsAfterTheRequestTimeout() throws Exception {
        try (ServerSocket silent = silentCluster(); OpenSearchIndexes indexes = connect(silent, REQUEST_TIMEOUT)) {
            assertTimeoutPreemptively(REQUEST_TIMEOUT.multipliedBy(5), () ->
                    assertThatThrownBy(indexes::openLive).isInstanceOf(SocketTimeoutException.class));
        }
    }

    private static ServerSocket silentCluster() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static OpenSearchIndexes connect(ServerSocket cluster, Duration requestTimeout) {
        return OpenSearchIndexes.connect("http://127.0.0.1:" + cluster.getLocalPort(), Optional.empty(),
                Optional.empty(), "blogs", requestTimeout, new SimpleMeterRegistry());
    }
}
