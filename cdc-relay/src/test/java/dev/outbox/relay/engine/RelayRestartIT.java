package dev.outbox.relay.engine;

import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay is killed or restarted while it has work: nothing may be lost, and what is sent twice is bounded
 * by one batch and carries the same event id.
 */
class RelayRestartIT {

    private static final int BATCH = 10;
    private static final Map<String, String> SMALL_BATCHES = Map.of("relay.debezium.max.batch.size", Integer.toString(BATCH));

    RelayUnderTest world;

    @BeforeEach
    void world(TestInfo test) {
        world = RelayUnderTest.named("restart_" + test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 20));
    }

    @AfterEach
    void dropSlot() {
        world.dropSlot();
    }

    @Test
    void killedMidTransactionOfManyRowsSkipsNoneOnRestart() throws Exception {
        RelayProcess relay = world.startRelay(SMALL_BATCHES);
        Set<String> writtenIds = ids(world.database.publishInOneTransaction("42", 1_500));

        List<ConsumerRecord<String, String>> records = killMidStreamAndRestart(relay, writtenIds);

        assertThat(idsOf(records)).isEqualTo(writtenIds);
        assertThat(records.size() - writtenIds.size()).as("duplicates").isLessThanOrEqualTo(BATCH);
    }

    @Test
    void killedWhileDrainingManySmallTransactionsLosesNothing() throws Exception {
        RelayProcess relay = world.startRelay(SMALL_BATCHES);
        Set<String> writtenIds = ids(world.database.publish(List.of("1", "2", "3", "4", "5"), 300));

        List<ConsumerRecord<String, String>> records = killMidStreamAndRestart(relay, writtenIds);

        assertThat(idsOf(records)).isEqualTo(writtenIds);
        assertThat(records.size() - writtenIds.size()).as("duplicates").isLessThanOrEqualTo(BATCH);
    }

    @Test
    void anOrderlyRestartResumesFromTheCommittedOffsetsWithoutRereading() throws Exception {
        List<WrittenEvent> first;
        List<WrittenEvent> second;
        List<ConsumerRecord<String, String>> records;
        try (TopicReader reader = world.reader()) {
            try (RelayProcess relay = world.startRelay(Map.of())) {
                first = world.database.publish(List.of("7", "8"), 100);
                reader.readUntil(read -> idsOf(read).containsAll(ids(first)), Duration.ofSeconds(60));
            }
            second = world.database.publish(List.of("7", "8"), 100);
            try (RelayProcess relay = world.startRelay(Map.of())) {
                reader.readUntil(read -> idsOf(read).containsAll(ids(second)), Duration.ofSeconds(60));
                records = reader.readFor(Duration.ofSeconds(2));
            }
        }

        assertThat(records).as("each event exactly once across the restart").hasSize(first.size() + second.size());
    }

    /** SIGKILLs the relay once some of the events are in Kafka, restarts it, and reads until all are there. */
    private List<ConsumerRecord<String, String>> killMidStreamAndRestart(RelayProcess relay, Set<String> writtenIds) {
        try (TopicReader reader = world.reader()) {
            reader.readUntil(read -> read.size() >= 50, Duration.ofSeconds(60));
            relay.kill();
            assertThat(reader.readFor(Duration.ofMillis(500)).size()).as("killed mid-stream")
                    .isLessThan(writtenIds.size());
            try (RelayProcess restarted = world.startRelay(SMALL_BATCHES)) {
                reader.readUntil(read -> idsOf(read).containsAll(writtenIds), Duration.ofSeconds(90));
                return reader.readFor(Duration.ofSeconds(2));
            }
        }
    }

    private static Set<String> ids(List<WrittenEvent> written) {
        return written.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
    }

    private static Set<String> idsOf(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> header(r, "id")).collect(Collectors.toCollection(HashSet::new));
    }
}
