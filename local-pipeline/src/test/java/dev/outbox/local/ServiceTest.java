package dev.outbox.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceTest {

    @Test
    void theHeapFollowsTheModuleSoASecondProcessOfOneGetsTheSame() {
        assertThat(new Service("blog-app", 8080, Map.of()).jvmOptions()).containsExactly("-Xmx128m");
        assertThat(new Service("analytics-consumer", 8082, Map.of()).jvmOptions()).containsExactly("-Xmx128m");
        assertThat(new Service("cdc-relay", 8081, Map.of()).jvmOptions()).containsExactly("-Xmx192m");
        assertThat(new Service("cdc-relay-2", "cdc-relay", 8085, Map.of()).jvmOptions()).containsExactly("-Xmx192m");
        assertThat(new Service("search-indexer-2", "search-indexer", 8084, Map.of()).jvmOptions())
                .containsExactly("-Xmx192m");
    }
}
