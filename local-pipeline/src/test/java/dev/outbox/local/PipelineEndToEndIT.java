package dev.outbox.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.embedded.process.WorkDirectory;
import dev.outbox.local.demo.Api;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The four services as real processes on embedded Postgres and Kafka (LocalPipeline, in this JVM, which restarts a
 * service that exits as an orchestrator would), with two relays as in production (one streams, the other stands by),
 * under writes through the HTTP API: quietly, with the active relay or the consumers SIGKILLed (analytics inside a
 * batch), the broker or Postgres stopped for a while, poison events injected and bulk imports committed while both
 * relays are down. Every view must end up showing exactly the truth the workload kept
 * (see {@link Workload}). The runs share one pipeline; each checks only its own authors. The default build runs the
 * short version of each fault run (1,500 operations, most faults fewer times); {@code -Pfaults} runs them at 20,000
 * operations with every fault as often as its name says.
 */
class PipelineEndToEndIT {

    private static final int FAULT_RUN_OPERATIONS = Integer.getInteger("outbox.faults.operations", 1_500);
    /** -Pfaults: each fault as many times as the full run injects it; the default build's budget allows fewer. */
    private static final boolean FULL_FAULT_RUNS = Boolean.getBoolean("outbox.faults.full");
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /**
     * -Pfaults: longer than the relay producer's delivery timeout (2 minutes), so the relay gives up on its batch and is
     * restarted while the broker is still down, and the consumers wait for it (issue 17's 3-minute outage).
     */
    private static final Duration BROKER_OUTAGE = FULL_FAULT_RUNS ? Duration.ofMinutes(3) : OUTAGE;
    private static final int BULK_IMPORTS = 3;
    private static final int BULK_IMPORT_BLOGS = 300;
    private static final int HOSTILE_REQUESTS = 300;
    private static final List<String> RELAYS = List.of("cdc-relay", "cdc-relay-2");
    private static final ObjectMapper JSON = new ObjectMapper();

    static LocalPipeline pipeline;
    static LocalSettings settings;
    static Api api;
    static Thread supervisor;
    static final AtomicReference<RuntimeException> supervisorFailure = new AtomicReference<>();

    @BeforeAll
    static void startThePipeline() {
        // Eight different ports: separate picks may return the same one twice.
        List<Integer> ports = LoopbackPorts.pick(8);
        settings = new LocalSettings(Path.of("..").toAbsolutePath().normalize(),
                WorkDirectory.newInstanceDirectory("end-to-end").resolve("data"), false, ports.get(0),
                ports.get(1), ports.get(2), ports.get(3), ports.get(4), ports.get(5), ports.get(6), 2, ports.get(7),
                LocalSettings.Search.LUCENE, 0, false);
        pipeline = new LocalPipeline(settings, System.out);
        pipeline.start();
        api = new Api("http://127.0.0.1:" + settings.blogPort(), "http://127.0.0.1:" + settings.searchPort());
        supervisor = new Thread(() -> {
            try {
                pipeline.watch();
            } catch (RuntimeException e) {
                supervisorFailure.set(e);
            }
        }, "pipeline-supervisor");
        supervisor.start();
    }

    @AfterAll
    static void stopThePipeline() throws InterruptedException {
        if (pipeline != null) {
            pipeline.stop();
            supervisor.join(DEADLINE.toMillis());
        }
    }

    @AfterEach
    void everyPartStillRuns() {
        assertThat(supervisorFailure.get()).as("a part of the pipeline that could not be restarted").isNull();
    }

    @Test
    void publishesUpdatesAndDeletesConvergeToTheTruthInCountsSearchAndTheTopic() throws Exception {
        Workload workload = Workload.signUp(api, "quiet", 8);
        workload.run(300, 1, 7);

        Workload.Outcome outcome = workload.awaitConverged(kafka(), DEADLINE);

        assertThat(outcome.writes()).isEqualTo(300);
        System.out.printf("quiet run: %s%n", outcome);
    }

    @Test
    void hostileRequestsAmongRealWritesLeaveEveryViewOnTheTruth() throws Exception {
        Workload workload = Workload.signUp(api, "hostile", 4);
        Api.Author attacker = api.signUp("hostile_attacker");
        HostileRequests hostile = new HostileRequests("http://127.0.0.1:" + settings.blogPort(),
                "http://127.0.0.1:" + settings.searchPort(), attacker.token(), workload::blogIds, 23);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<HostileRequests.Answer> wrong = new ArrayList<>();
        try {
            Future<Void> writes = writer.submit(() -> {
                workload.run(100, 1, 29);
                return null;
            });
            for (int i = 0; i < HOSTILE_REQUESTS; i++) {
                HostileRequests.Answer answer = hostile.send();
                statuses.merge(answer.status(), 1, Integer::sum);
                if (answer.status() >= 500 || answer.status() >= 400 && !answer.problem()) {
                    wrong.add(answer);
                }
            }
            writes.get();
        } finally {
            writer.shutdownNow();
        }

        assertThat(wrong).as("hostile requests answered 5xx or without a problem").isEmpty();
        Workload.Outcome outcome = workload.awaitConverged(kafka(), DEADLINE);
        assertThat(outcome.writes()).isEqualTo(100);
        System.out.printf("hostile run: %d hostile requests answered %s beside %s%n", HOSTILE_REQUESTS, statuses,
                outcome);
    }

    @Test
    void aServiceThatExitsIsRestartedByTheSupervisorAndCatchesUp() throws Exception {
        QuarkusAppProcess crashed = pipeline.process("search-indexer");
        crashed.kill();

        await("search-indexer restarted").atMost(DEADLINE).until(() -> pipeline.process("search-indexer") != crashed);
        pipeline.process("search-indexer").awaitReady();
        Workload workload = Workload.signUp(api, "supervised", 4);
        workload.run(100, 2, 41);
        assertThat(workload.awaitConverged(kafka(), DEADLINE).writes()).isEqualTo(100);
    }

    @Test
    void theActiveRelayKilledRepeatedlyUnderLoadHandsOverToTheStandbyLosesNothingAndNothingIsAppliedTwice()
            throws Exception {
        List<Integer> at = faultMoments(times(2, 3), 11);
        List<String> takeovers = new ArrayList<>();

        Workload.Outcome outcome = underLoad("relay_kills", at, (workload, moment) -> {
            String active = activeRelay();
            String standby = RELAYS.get(1 - RELAYS.indexOf(active));
            long killedAt = System.nanoTime();
            // Restarted at once, as a supervisor would: it comes back as the standby.
            pipeline.faults().killAndRestart(active);
            await("the standby streams").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> streams(standby));
            takeovers.add(String.format("%s → %s in %d ms", active, standby, (System.nanoTime() - killedAt) / 1_000_000));
            pipeline.process(active).awaitReady();
        });

        assertThat(activeRelay()).as("one relay active after the kills").isIn(RELAYS);
        System.out.printf("active relay killed at operations %s of %d, taken over %s: %s%n", at, FAULT_RUN_OPERATIONS,
                takeovers, outcome);
    }

    @Test
    void eachConsumerKilledUnderLoadLosesNothingAndNothingIsAppliedTwice() throws Exception {
        List<Integer> at = faultMoments(times(2, 4), 17);
        Map<String, Integer> skippedAfterRestarts = new HashMap<>();
        for (String module : List.of("analytics-consumer", "search-indexer")) {
            // What the current processes skipped in earlier runs (e.g. the relay's duplicates) does not count here.
            skippedAfterRestarts.put(module, -skippedEvents(module));
        }

        Workload.Outcome outcome = underLoad("consumer_kills", at, (workload, moment) -> {
            String module = at.indexOf(moment) % 2 == 0 ? "analytics-consumer" : "search-indexer";
            skippedAfterRestarts.merge(module, skippedEvents(module), Integer::sum);
            if (module.equals("analytics-consumer")) {
                killAnalyticsInsideABatch();
            } else {
                pipeline.faults().killAndRestart(module).awaitReady();
            }
        });

        for (String module : List.of("analytics-consumer", "search-indexer")) {
            skippedAfterRestarts.merge(module, skippedEvents(module), Integer::sum);
        }
        // Events a restarted consumer found already applied: a kill that landed after a batch's database or index
        // commit and before its offset commit.
        System.out.printf("analytics and search killed in turn at operations %s of %d, redelivered events skipped "
                + "as already applied %s: %s%n", at, FAULT_RUN_OPERATIONS, skippedAfterRestarts, outcome);
    }

    @Test
    void theBrokerStoppedUnderLoadLosesNothingAndNothingIsAppliedTwice() throws Exception {
        List<Integer> at = faultMoments(times(1, 2), 29);

        Workload.Outcome outcome = underLoad("broker_outages", at,
                (workload, moment) -> pipeline.faults().outage("kafka", BROKER_OUTAGE));

        System.out.printf("Kafka stopped for %d s at operations %s of %d: %s%n", BROKER_OUTAGE.toSeconds(), at,
                FAULT_RUN_OPERATIONS, outcome);
    }

    @Test
    void postgresRestartedUnderLoadRefusesWritesWith503AndLosesNoSuccess() throws Exception {
        List<Integer> at = faultMoments(times(1, 2), 31);

        Workload.Outcome outcome = underLoad("postgres_outages", at,
                (workload, moment) -> pipeline.faults().outage("postgres", OUTAGE));

        assertThat(outcome.unavailable()).as("writes refused with 503 + Retry-After while Postgres was down")
                .isPositive();
        System.out.printf("Postgres stopped for %d s at operations %s of %d: %s%n", OUTAGE.toSeconds(), at,
                FAULT_RUN_OPERATIONS, outcome);
    }

    @Test
    void bulkImportsWhileBothRelaysAreKilledAreAllRelayedNoneSkipped() throws Exception {
        List<Integer> at = faultMoments(times(1, 3), 37);

        Workload.Outcome outcome = underLoad("bulk", at, (workload, moment) -> {
            RELAYS.forEach(pipeline.faults()::killService);
            for (int i = 0; i < BULK_IMPORTS; i++) {
                workload.importBlogs(BULK_IMPORT_BLOGS);
            }
            RELAYS.stream().map(pipeline.faults()::startService).toList().forEach(QuarkusAppProcess::awaitReady);
            // Again while it catches up on those transactions: the standby takes over mid-catch-up.
            pipeline.faults().killAndRestart(activeRelay()).awaitReady();
        });

        System.out.printf("both relays SIGKILLed at operations %s of %d, %d imports of %d blogs each committed while"
                + " they were down, the active one killed again while catching up: %s%n", at, FAULT_RUN_OPERATIONS,
                BULK_IMPORTS, BULK_IMPORT_BLOGS, outcome);
    }

    @Test
    void poisonEventsInjectedUnderLoadGoToTheDeadLetterTopicAndNothingBehindThemStalls() throws Exception {
        List<Integer> at = faultMoments(5, 23);
        Map<String, Integer> before = deadLettersByGroup();
        List<String> poison = List.of("{not json", "{\"event_type\": \"BlogLiked\", \"blog_id\": 1}",
                "{\"event_type\": \"BlogPublished\", \"blog_id\": \"one\"}", "[]");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka()), new StringSerializer(), new StringSerializer())) {

            Workload.Outcome outcome = underLoad("poison", at, (workload, moment) -> {
                for (String value : poison) {
                    producer.send(new ProducerRecord<>(Topics.EVENTS, "poison", value)).get();
                }
            });

            int injected = at.size() * poison.size();
            Map<String, Integer> expected = Map.of(
                    "analytics", before.getOrDefault("analytics", 0) + injected,
                    "search", before.getOrDefault("search", 0) + injected);
            await("both groups' dead letters").atMost(DEADLINE).until(this::deadLettersByGroup, expected::equals);
            System.out.printf("%d poison events injected at operations %s of %d, dead-lettered once by each of %s:"
                    + " %s%n", injected, at, FAULT_RUN_OPERATIONS, expected.keySet(), outcome);
        }
    }

    /** How many times a run injects its fault: {@code shortRun} in the default build, {@code fullRun} with -Pfaults. */
    private static int times(int shortRun, int fullRun) {
        return FULL_FAULT_RUNS ? fullRun : shortRun;
    }

    /** {@code count} distinct moments, in operations, spread over the middle of the run. */
    private static List<Integer> faultMoments(int count, long seed) {
        Random random = new Random(seed);
        TreeSet<Integer> moments = new TreeSet<>();
        while (moments.size() < count) {
            moments.add(FAULT_RUN_OPERATIONS / 10 + random.nextInt(FAULT_RUN_OPERATIONS * 8 / 10));
        }
        return List.copyOf(moments);
    }

    private interface Fault {
        void inject(Workload workload, int moment) throws Exception;
    }

    /**
     * Runs the workload on 4 threads, injecting the fault as it passes each moment, then awaits the truth. The writers
     * wait at each moment until the fault before it is injected (a restart may take longer than the rest of the run),
     * and keep writing while it is.
     */
    private Workload.Outcome underLoad(String run, List<Integer> moments, Fault fault) throws Exception {
        Workload workload = Workload.signUp(api, run, 20);
        workload.holdAt(moments.get(0));
        Thread load = new Thread(() -> {
            try {
                workload.run(FAULT_RUN_OPERATIONS, 4, 13);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "workload");
        load.start();
        try {
            for (int i = 0; i < moments.size(); i++) {
                int moment = moments.get(i);
                await("operation " + moment).atMost(DEADLINE).until(() -> workload.done() >= moment || !load.isAlive());
                assertThat(workload.done()).as("operations done as the fault of moment %d lands", moment)
                        .isLessThan(FAULT_RUN_OPERATIONS);
                workload.holdAt(i + 1 < moments.size() ? moments.get(i + 1) : Integer.MAX_VALUE);
                fault.inject(workload, moment);
            }
        } finally {
            workload.holdAt(Integer.MAX_VALUE);
        }
        load.join(DEADLINE.toMillis());
        assertThat(workload.done()).as("operations completed").isEqualTo(FAULT_RUN_OPERATIONS);
        return workload.awaitConverged(kafka(), DEADLINE);
    }

    /**
     * Holds analytics' next batch inside its database transaction (a lock on the table of processed event ids that
     * every batch inserts into), SIGKILLs analytics there, then lets go: the batch was polled and not committed.
     */
    private static void killAnalyticsInsideABatch() throws Exception {
        try (Connection database = PostgresServer.connect("jdbc:postgresql://127.0.0.1:" + settings.postgresPort()
                + "/" + Infrastructure.DATABASE, PostgresServer.USERNAME, PostgresServer.PASSWORD);
             Statement sql = database.createStatement()) {
            database.setAutoCommit(false);
            sql.execute("lock table analytics.processed_events in exclusive mode");
            await("analytics waiting inside a batch").atMost(DEADLINE).until(() -> {
                try (ResultSet waiting = sql.executeQuery("select count(*) from pg_locks where not granted"
                        + " and relation = 'analytics.processed_events'::regclass")) {
                    waiting.next();
                    return waiting.getInt(1) > 0;
                }
            });
            pipeline.faults().killAndRestart("analytics-consumer");
            database.rollback();
        }
        pipeline.process("analytics-consumer").awaitReady();
    }

    /** The relay that streams, once exactly one says it is active (a takeover or a restart may be under way). */
    private static String activeRelay() {
        AtomicReference<String> active = new AtomicReference<>();
        await("exactly one relay active").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<String> streaming = RELAYS.stream().filter(PipelineEndToEndIT::streams).toList();
            active.set(streaming.size() == 1 ? streaming.get(0) : null);
            return active.get() != null;
        });
        return active.get();
    }

    /** Whether the relay's {@code /lag} says it holds the lock and its engine streams; false while it cannot answer. */
    private static boolean streams(String relay) {
        try {
            JsonNode lag = JSON.readTree(pipeline.process(relay).body("/lag"));
            return lag.path("role").asText().equals("active") && lag.at("/engine/state").asText().equals("STREAMING");
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /** The {@code <group>_events_skipped_total} of a consumer's current process since it started. */
    private static int skippedEvents(String module) {
        String metric = (module.equals("analytics-consumer") ? "analytics" : "search") + "_events_skipped_total";
        return pipeline.process(module).body("/q/metrics").lines().filter(line -> line.startsWith(metric))
                .mapToInt(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Records on the dead-letter topic per consumer group (header dlq.consumer.group). */
    private Map<String, Integer> deadLettersByGroup() {
        Map<String, Integer> byGroup = new HashMap<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.DEAD_LETTERS, 0);
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            long end = reader.endOffsets(List.of(partition)).get(partition);
            while (reader.position(partition) < end) {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                    byGroup.merge(new String(record.headers().lastHeader("dlq.consumer.group").value(),
                            StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
        }
        return byGroup;
    }

    private static String kafka() {
        return "127.0.0.1:" + settings.kafkaPort();
    }
}
