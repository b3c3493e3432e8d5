package dev.outbox.relay.engine;

import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged relays on one database and one slot: one streams, the other stands by and takes over when the active
 * one dies. The tests run in order on one pair, to start as few relays as possible: both started at once, then the
 * active one SIGKILLed under load, then the new active's lock session cut.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbyRelayIT {

    private static final int BATCH = 20;
    private static final Map<String, String> SETTINGS = Map.of("relay.debezium.max.batch.size", Integer.toString(BATCH));
    /** Issue 17's goal for kill -9 of the active → the standby streams. */
    private static final Duration TAKEOVER = Duration.ofSeconds(10);
    private static final List<String> AUTHORS = List.of("1", "2", "3", "4", "5");
    /** Kills of the active relay under one load; -Pfaults makes it 3, each killed relay restarted as the standby. */
    private static final int KILLS = Integer.getInteger("outbox.faults.relay-kills", 1);

    static RelayUnderTest world;
    static final List<RelayProcess> relays = new ArrayList<>();
    static RelayProcess active;
    static RelayProcess standby;

    @BeforeAll
    static void world() {
        world = RelayUnderTest.named("standby");
    }

    @AfterAll
    static void stopRelays() {
        relays.forEach(RelayProcess::close);
        world.dropSlot();
    }

    @Test
    @Order(1)
    void ofTwoRelaysStartedAtOnceExactlyOneStreamsAndTheOtherStandsByReady() {
        relays.add(world.launchRelay(SETTINGS));
        relays.add(world.launchRelay(SETTINGS));
        relays.forEach(RelayProcess::awaitReady);
        await("one relay streams").atMost(Duration.ofSeconds(60))
                .until(() -> relays.stream().anyMatch(r -> r.engineState().equals("STREAMING")));

        List<String> roles = relays.stream().map(RelayProcess::role).toList();
        assertThat(roles).containsExactlyInAnyOrder("active", "standby");
        active = relays.get(roles.indexOf("active"));
        standby = relays.get(roles.indexOf("standby"));
        assertThat(standby.engineState()).isEqualTo("STANDBY");
        assertThat(standby.readinessData().get("role").asText()).isEqualTo("standby");
        assertThat(active.metrics()).contains("relay_active 1.0");
        assertThat(standby.metrics()).contains("relay_active 0.0");
    }

    @Test
    @Order(2)
    void aKillOfTheActiveUnderLoadHandsTheSlotToTheStandbyWithinSecondsAndLosesNoEvent() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<List<WrittenEvent>> load = CompletableFuture.supplyAsync(() -> writeUntilStopped(writing));
        List<Long> takeovers = new ArrayList<>();
        List<Long> firstRecords = new ArrayList<>();
        List<ConsumerRecord<String, String>> records;
        try (TopicReader reader = world.reader(); Admin admin = world.kafka.admin()) {
            for (int kill = 1; kill <= KILLS; kill++) {
                int readBefore = reader.readFor(Duration.ZERO).size();
                reader.readUntil(read -> read.size() >= readBefore + 200, Duration.ofSeconds(60));
                long killedAt = System.nanoTime();
                active.kill();
                RelayProcess next = standby;
                long endAtKill = endOffsets(admin);
                await("the standby streams").atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
                        .until(() -> next.engineState().equals("STREAMING"));
                takeovers.add((System.nanoTime() - killedAt) / 1_000_000);
                // STREAMING is the connector task started; the slot is read a moment later: the first record the new
                // active relay writes is the takeover as a consumer sees it.
                await("the new active writes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> endOffsets(admin) > endAtKill);
                firstRecords.add((System.nanoTime() - killedAt) / 1_000_000);
                assertThat(next.role()).isEqualTo("active");
                active = next;
                if (kill < KILLS) {
                    // As a supervisor would: the killed relay comes back, and stands by.
                    standby = world.launchRelay(SETTINGS);
                    relays.add(standby);
                    standby.awaitReady();
                    assertThat(standby.role()).isEqualTo("standby");
                }
            }
            System.out.printf("kill -9 of the active -> standby streaming: %s ms, -> its first record on the topic: %s ms%n",
                    takeovers, firstRecords);
            int readAtLastTakeover = reader.readFor(Duration.ZERO).size();
            reader.readUntil(read -> read.size() >= readAtLastTakeover + 200, Duration.ofSeconds(60));
            writing.set(false);
            Set<String> written = ids(load.get(60, TimeUnit.SECONDS));
            reader.readUntil(read -> idsOf(read).containsAll(written), Duration.ofSeconds(60));
            records = reader.readFor(Duration.ofSeconds(1));
            assertThat(idsOf(records)).as("every event, and only those written").isEqualTo(written);
            System.out.printf("%d events written, %d records read: %d duplicates%n", written.size(), records.size(),
                    records.size() - written.size());
            assertThat(records.size() - written.size()).as("duplicates: at most one batch per kill")
                    .isLessThanOrEqualTo(BATCH * KILLS);
        }
        assertThat(firstSequencesPerAuthor(records)).as("each author's events in commit order, duplicates aside")
                .allSatisfy((author, sequences) -> assertThat(sequences).isSorted());
        assertThat(active.metrics()).contains("relay_active 1.0");
    }

    @Test
    @Order(3)
    void anActiveWhoseLockSessionIsCutExitsNonZeroAtOnce() throws Exception {
        try (Connection connection = world.database.connect();
             PreparedStatement cut = connection.prepareStatement(
                     "select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?"
                             + " and datname = current_database()")) {
            connection.setAutoCommit(true);
            cut.setString(1, ActiveLock.APPLICATION_NAME);
            try (ResultSet terminated = cut.executeQuery()) {
                assertThat(terminated.next()).as("the active's lock session").isTrue();
            }
        }

        await("the active exits").atMost(Duration.ofSeconds(20)).until(() -> !active.isAlive());
        assertThat(active.exitCode().getAsInt()).as("exit status").isNotZero();
        assertThat(active.log()).contains("Lost the session of the active lock");
    }

    /** The events topic's end offsets, summed over its partitions. */
    private static long endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < 3; partition++) {
            latest.put(new TopicPartition(world.eventsTopic, partition), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /** One transaction per event, authors interleaved, until told to stop; returns what it committed. */
    private static List<WrittenEvent> writeUntilStopped(AtomicBoolean writing) {
        List<WrittenEvent> written = new ArrayList<>();
        try {
            for (int round = 0; writing.get(); round++) {
                written.addAll(world.database.publishRound(AUTHORS, round));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return written;
    }

    /** Per author, the {@code sequence} of each event at its first arrival. */
    private static Map<String, List<Integer>> firstSequencesPerAuthor(List<ConsumerRecord<String, String>> records) {
        Set<String> seen = new HashSet<>();
        Map<String, List<Integer>> sequences = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            if (seen.add(header(record, "id"))) {
                sequences.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(sequence(record.value()));
            }
        }
        return sequences;
    }

    private static int sequence(String payload) {
        int at = payload.indexOf("\"sequence\":");
        return Integer.parseInt(payload.substring(at + "\"sequence\":".length()).replaceFirst("^\\s*(\\d+).*$", "$1"));
    }

    private static Set<String> ids(List<WrittenEvent> written) {
        return written.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
    }

    private static Set<String> idsOf(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> header(r, "id")).collect(Collectors.toCollection(HashSet::new));
    }
}
