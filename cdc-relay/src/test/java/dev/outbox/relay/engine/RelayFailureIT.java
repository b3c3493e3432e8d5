package dev.outbox.relay.engine;

import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay fails loudly and completely, never half-alive, and a restart picks up what it left. */
class RelayFailureIT {

    @Test
    void wrongDatabaseUrlFailsFastNamingTheSetting() throws Exception {
        RelayUnderTest world = RelayUnderTest.named("wrong_config");
        try (RelayProcess relay = RelayProcess.launch("jdbc:mysql://localhost/blog", "u", "p",
                world.kafka.bootstrapServers(), Map.of())) {
            await("relay exits").atMost(Duration.ofSeconds(60)).until(() -> !relay.isAlive());

            assertThat(relay.exitCode()).isPresent();
            assertThat(relay.exitCode().getAsInt()).isNotZero();
            assertThat(relay.log()).contains("quarkus.datasource.jdbc.url must look like");
        }
    }

    @Test
    void aProductionStartWithoutTheDatabasePasswordFailsNamingTheVariable() throws Exception {
        assertThat(System.getenv("RELAY_DB_PASSWORD")).as("RELAY_DB_PASSWORD in the build's environment").isNull();
        // Nothing listens on port 1, in case the start got as far as the database or the broker.
        try (QuarkusAppProcess relay = QuarkusAppProcess.launch("relay-without-password", Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/blog",
                "kafka.bootstrap.servers", "127.0.0.1:1"))) {
            await("relay exits").atMost(Duration.ofSeconds(60)).until(() -> !relay.isAlive());

            assertThat(relay.exitCode()).isPresent();
            assertThat(relay.exitCode().getAsInt()).isNotZero();
            assertThat(relay.log()).contains("Could not expand value RELAY_DB_PASSWORD");
        }
    }

    @Test
    void unreachableBrokerAtStartIsRetriedAndReportedNotReady() {
        RelayUnderTest world = RelayUnderTest.named("no_broker");
        String nobodyListens = "127.0.0.1:" + LoopbackPorts.pick();
        try (RelayProcess relay = RelayProcess.launch(world.database.jdbcUrl(), world.database.username(),
                world.database.password(), nobodyListens, Map.of("relay.producer.max.block.ms", "1000",
                        "relay.debezium.offset.flush.timeout.ms", "1000"))) {
            await("second start attempt visible in readiness").atMost(Duration.ofSeconds(90))
                    .until(() -> relay.status("/q/health/ready") == 503
                            && relay.readinessData().get("attempt").asInt() >= 2);

            assertThat(relay.isAlive()).isTrue();
            assertThat(relay.readinessData().get("engine").asText()).isEqualTo("STARTING");
            assertThat(relay.readinessData().get("detail").asText()).contains("Kafka at " + nobodyListens);
        } finally {
            world.dropSlot();
        }
    }

    @Test
    void kafkaFailingMidStreamStopsTheRelayWithoutCommittingAndARestartLosesNothing() throws Exception {
        RelayUnderTest world = RelayUnderTest.named("broker_down");
        Map<String, String> impatientProducer = Map.of(
                "relay.producer.delivery.timeout.ms", "4000",
                "relay.producer.request.timeout.ms", "2000",
                "relay.producer.max.block.ms", "2000");
        try (RelayProcess relay = world.startRelay(impatientProducer)) {
            world.kafka.stop();
            List<WrittenEvent> written;
            try {
                written = world.database.publish(List.of("5"), 10);
                long publishedAt = System.nanoTime();
                // Within seconds of the producer giving up (4 s here), not after the engine's orderly stop, which
                // waits about a minute on its offset store in the same unreachable Kafka.
                await("relay exits after Kafka refused").atMost(Duration.ofSeconds(30)).until(() -> !relay.isAlive());
                System.out.printf("relay exited %d ms after the events were written%n",
                        (System.nanoTime() - publishedAt) / 1_000_000);
                assertThat(relay.exitCode().getAsInt()).as("exit status").isNotZero();
                assertThat(relay.log()).contains("Exiting now so that the relay is restarted");
            } finally {
                world.kafka.start();
            }

            Set<String> ids = written.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
            try (RelayProcess restarted = world.startRelay(Map.of()); TopicReader reader = world.reader()) {
                reader.readUntil(read -> read.stream().map(r -> header(r, "id")).collect(Collectors.toSet())
                        .containsAll(ids), Duration.ofSeconds(90));
            }
        } finally {
            world.dropSlot();
        }
    }
}
