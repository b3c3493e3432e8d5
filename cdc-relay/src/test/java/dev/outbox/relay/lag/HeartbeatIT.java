package dev.outbox.relay.lag;

import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The classic way a CDC slot fills the disk: the captured table is idle while others are busy, so the slot never
 * receives a change to confirm and Postgres keeps all WAL. The heartbeat writes a captured row and moves the slot.
 */
class HeartbeatIT {

    @Test
    void slotAdvancesWhileTheOutboxIsIdleAndAnotherTableIsBusy() {
        RelayUnderTest world = RelayUnderTest.named("heartbeat");
        try (RelayProcess relay = world.startRelay(Map.of("relay.heartbeat-interval", "1s"))) {
            world.database.execute("insert into busy_table (filler) select repeat('x', 500) from generate_series(1, 20000)");
            long walAfterBusyWrites = world.database.currentWalLsn();
            assertThat(world.database.confirmedFlushLsn("heartbeat")).isLessThan(walAfterBusyWrites);

            await("confirmed_flush_lsn passes the busy table's WAL").atMost(Duration.ofSeconds(30))
                    .until(() -> world.database.confirmedFlushLsn("heartbeat") >= walAfterBusyWrites);
        } finally {
            world.dropSlot();
        }
    }
}
