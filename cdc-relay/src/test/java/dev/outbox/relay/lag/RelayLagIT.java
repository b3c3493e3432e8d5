package dev.outbox.relay.lag;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How far behind the relay is, on one relay shared by the class (a relay process is the expensive part): it starts
 * with a backlog written while it was down, and once that has drained, the outbox stays idle for the heartbeat test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayLagIT {

    private static final Map<String, String> SETTINGS = Map.of(
            "relay.debezium.max.batch.size", "20",
            "relay.heartbeat-interval", "1s");

    static RelayUnderTest world;
    static List<WrittenEvent> backlog;
    static RelayProcess relay;

    @BeforeAll
    static void relayWithABacklog() throws Exception {
        world = RelayUnderTest.named("lag");
        // A first start creates the slot, so the backlog written while the relay is down waits in it.
        world.startRelay(SETTINGS).stop();
        backlog = world.database.publish(List.of("1", "2", "3", "4"), 1_000);
        relay = world.startRelay(SETTINGS);
    }

    @AfterAll
    static void stopRelay() {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            world.dropSlot();
        }
    }

    /** First, while the backlog the relay started with still drains. */
    @Test
    @Order(1)
    void lagIsNonZeroWhileABacklogDrainsAndZeroOnceCaughtUp() throws Exception {
        try (TopicReader reader = world.reader()) {
            AtomicLong maxBehind = new AtomicLong();
            AtomicLong maxSlotLag = new AtomicLong();
            reader.readUntil(read -> {
                JsonNode lag = relay.lag();
                maxBehind.accumulateAndGet(Math.round(lag.get("behind_source_seconds").asDouble() * 1000), Math::max);
                maxSlotLag.accumulateAndGet(lag.at("/slot/lag_bytes").asLong(), Math::max);
                return read.size() >= backlog.size();
            }, Duration.ofSeconds(120));

            assertThat(maxBehind.get()).as("ms behind while draining").isPositive();
            assertThat(maxSlotLag.get()).as("slot lag bytes while draining").isPositive();
            await("caught up").atMost(Duration.ofSeconds(30))
                    .until(() -> relay.lag().get("behind_source_seconds").asDouble() == 0);
            String metrics = relay.metrics();
            assertThat(metrics).contains("relay_behind_source_seconds 0.0")
                    .contains("relay_events_total{topic=\"" + world.eventsTopic + "\"}")
                    .contains("relay_slot_lag_bytes")
                    .contains("relay_slot_active 1.0");
        }
    }

    /**
     * The classic way a CDC slot fills the disk: the captured table is idle while others are busy, so the slot never
     * receives a change to confirm and Postgres keeps all WAL. The heartbeat writes a captured row and moves the slot.
     */
    @Test
    @Order(2)
    void slotAdvancesWhileTheOutboxIsIdleAndAnotherTableIsBusy() {
        world.database.execute("insert into busy_table (filler) select repeat('x', 500) from generate_series(1, 20000)");
        long walAfterBusyWrites = world.database.currentWalLsn();
        assertThat(world.database.confirmedFlushLsn(world.name)).isLessThan(walAfterBusyWrites);

        await("confirmed_flush_lsn passes the busy table's WAL").atMost(Duration.ofSeconds(30))
                .until(() -> world.database.confirmedFlushLsn(world.name) >= walAfterBusyWrites);
    }
}
