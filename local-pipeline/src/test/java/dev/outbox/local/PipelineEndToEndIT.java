package dev.outbox.local;

import dev.outbox.local.demo.Api;
import dev.outbox.testsupport.process.LoopbackPorts;
import dev.outbox.testsupport.process.WorkDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The four services as real processes on embedded Postgres and Kafka (LocalPipeline, in this JVM), under writes
 * through the HTTP API: quietly, and with the relay SIGKILLed at random moments. Every view must end up showing
 * exactly the truth the workload kept (see {@link Workload}). {@code -Pfaults} runs the fault runs at 20,000
 * operations instead of the default run's short version.
 */
class PipelineEndToEndIT {

    private static final int FAULT_RUN_OPERATIONS = Integer.getInteger("outbox.faults.operations", 1_500);
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    LocalPipeline pipeline;
    LocalSettings settings;
    Api api;

    @AfterEach
    void stopThePipeline() {
        if (pipeline != null) {
            pipeline.stop();
        }
    }

    @Test
    void publishesUpdatesAndDeletesConvergeToTheTruthInCountsSearchAndTheTopic() throws Exception {
        start("quiet");
        Workload workload = Workload.signUp(api, "e2e", 8);
        workload.run(300, 1, 7);

        Workload.Outcome outcome = workload.awaitConverged(kafka(), DEADLINE);

        assertThat(outcome.writes()).isEqualTo(300);
        System.out.printf("quiet run: %s%n", outcome);
    }

    @Test
    void theRelayKilledThreeTimesUnderLoadLosesNothingAndNothingIsAppliedTwice() throws Exception {
        start("relay_kills");
        Workload workload = Workload.signUp(api, "rk", 20);
        Random random = new Random(11);
        List<Integer> killAt = new TreeSet<>(IntStream.range(0, 3)
                .mapToObj(i -> FAULT_RUN_OPERATIONS / 10 + random.nextInt(FAULT_RUN_OPERATIONS * 7 / 10))
                .toList()).stream().toList();
        Thread load = new Thread(() -> {
            try {
                workload.run(FAULT_RUN_OPERATIONS, 4, 13);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "workload");
        load.start();
        for (int at : killAt) {
            await("operation " + at).atMost(DEADLINE).until(() -> workload.done() >= at || !load.isAlive());
            pipeline.killAndRestart("cdc-relay").awaitReady();
        }
        load.join(DEADLINE.toMillis());
        assertThat(workload.done()).as("operations completed").isEqualTo(FAULT_RUN_OPERATIONS);

        Workload.Outcome outcome = workload.awaitConverged(kafka(), DEADLINE);

        System.out.printf("relay killed at operations %s of %d: %s%n", killAt, FAULT_RUN_OPERATIONS, outcome);
    }

    private void start(String name) {
        List<Integer> ports = IntStream.range(0, 7).mapToObj(i -> LoopbackPorts.pick()).toList();
        settings = new LocalSettings(Path.of("..").toAbsolutePath().normalize(),
                WorkDirectory.newInstanceDirectory("end-to-end-" + name).resolve("data"), false, ports.get(0),
                ports.get(1), ports.get(2), ports.get(3), ports.get(4), ports.get(5), ports.get(6));
        pipeline = new LocalPipeline(settings, System.out);
        pipeline.start();
        api = new Api("http://127.0.0.1:" + settings.blogPort(), "http://127.0.0.1:" + settings.searchPort());
    }

    private String kafka() {
        return "127.0.0.1:" + settings.kafkaPort();
    }
}
