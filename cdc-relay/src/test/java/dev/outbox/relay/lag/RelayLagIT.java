package dev.outbox.relay.lag;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RelayLagIT {

    @Test
    void lagIsNonZeroWhileABacklogDrainsAndZeroOnceCaughtUp() throws Exception {
        RelayUnderTest world = RelayUnderTest.named("lag");
        Map<String, String> smallBatches = Map.of("relay.debezium.max.batch.size", "20");
        try {
            world.startRelay(smallBatches).stop();
            List<WrittenEvent> backlog = world.database.publish(List.of("1", "2", "3", "4"), 1_000);

            try (RelayProcess relay = world.startRelay(smallBatches); TopicReader reader = world.reader()) {
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
        } finally {
            world.dropSlot();
        }
    }
}
