package dev.outbox.relay.engine;

import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay is killed or restarted while it has work: nothing may be lost, and what is sent twice is bounded
 * by one batch and carries the same event id. The tests run in order on one relay world, each restarting the relay
 * the one before left running (a relay start is the expensive part); each counts only the events it wrote.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayRestartIT {

    private static final int BATCH = 10;
    private static final Map<String, String> SMALL_BATCHES = Map.of("relay.debezium.max.batch.size", Integer.toString(BATCH));

    static RelayUnderTest world;
    static RelayProcess relay;

    @BeforeAll
    static void world() {
        world = RelayUnderTest.named("restart");
    }

    @BeforeEach
    void aRelayRuns() {
        if (relay == null || !relay.isAlive()) {
            relay = world.startRelay(SMALL_BATCHES);
        }
    }

    @AfterAll
    static void stopTheRelay() {
        if (relay != null) {
            relay.close();
        }
        world.dropSlot();
    }

    @Test
    @Order(1)
    void killedMidTransactionOfManyRowsSkipsNoneOnRestart() throws Exception {
        Set<String> writtenIds = ids(world.database.publishInOneTransaction("42", 1_500));

        List<String> relayed = killMidStreamAndRestart(writtenIds);

        assertThat(Set.copyOf(relayed)).isEqualTo(writtenIds);
        assertThat(relayed.size() - writtenIds.size()).as("duplicates").isLessThanOrEqualTo(BATCH);
    }

    @Test
    @Order(2)
    void killedWhileDrainingManySmallTransactionsLosesNothing() throws Exception {
        Set<String> writtenIds = ids(world.database.publish(List.of("1", "2", "3", "4", "5"), 300));

        List<String> relayed = killMidStreamAndRestart(writtenIds);

        assertThat(Set.copyOf(relayed)).isEqualTo(writtenIds);
        assertThat(relayed.size() - writtenIds.size()).as("duplicates").isLessThanOrEqualTo(BATCH);
    }

    @Test
    @Order(3)
    void anOrderlyRestartResumesFromTheCommittedOffsetsWithoutRereading() throws Exception {
        Set<String> first;
        Set<String> second;
        List<String> relayed;
        try (TopicReader reader = world.reader()) {
            first = ids(world.database.publish(List.of("7", "8"), 100));
            reader.readUntil(read -> idsOf(read).containsAll(first), Duration.ofSeconds(60));
            relay.close();
            second = ids(world.database.publish(List.of("7", "8"), 100));
            relay = world.startRelay(SMALL_BATCHES);
            reader.readUntil(read -> idsOf(read).containsAll(second), Duration.ofSeconds(60));
            relayed = relayedOf(reader.readFor(Duration.ofSeconds(2)), first, second);
        }

        assertThat(relayed).as("each event exactly once across the restart").hasSize(first.size() + second.size());
    }

    /**
     * SIGKILLs the relay once some of the events are in Kafka, restarts it, and reads until all are there: the ids of
     * those events as relayed, duplicates included.
     */
    private static List<String> killMidStreamAndRestart(Set<String> writtenIds) {
        try (TopicReader reader = world.reader()) {
            reader.readUntil(read -> relayedOf(read, writtenIds).size() >= 50, Duration.ofSeconds(60));
            relay.kill();
            assertThat(relayedOf(reader.readFor(Duration.ofMillis(500)), writtenIds).size()).as("killed mid-stream")
                    .isLessThan(writtenIds.size());
            relay = world.startRelay(SMALL_BATCHES);
            reader.readUntil(read -> idsOf(read).containsAll(writtenIds), Duration.ofSeconds(90));
            return relayedOf(reader.readFor(Duration.ofSeconds(2)), writtenIds);
        }
    }

    /** The event ids of the records that belong to {@code written}, in the order read. */
    @SafeVarargs
    private static List<String> relayedOf(List<ConsumerRecord<String, String>> records, Set<String>... written) {
        return records.stream().map(r -> header(r, "id"))
                .filter(id -> Arrays.stream(written).anyMatch(ids -> ids.contains(id))).toList();
    }

    private static Set<String> ids(List<WrittenEvent> written) {
        return written.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
    }

    private static Set<String> idsOf(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> header(r, "id")).collect(Collectors.toSet());
    }
}
