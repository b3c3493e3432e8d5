package dev.outbox.relay.lag;

import dev.outbox.relay.engine.EngineStatus;
import dev.outbox.relay.engine.RelayEngine;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.sql.SQLException;
import java.time.Instant;

/** {@code GET /lag}: how far behind the relay is, for people and scripts; the same figures are in /q/metrics. */
@Path("/lag")
@Produces(MediaType.APPLICATION_JSON)
public class LagResource {

    /** The relay's position: slot figures from Postgres, time figures from the relay itself. */
    public record Lag(EngineStatus engine, SlotLag slot, long behindSourceMillis, Instant lastKafkaAck) {
    }

    @Inject
    RelayEngine engine;

    @Inject
    SlotMonitor slots;

    @Inject
    RelayProgress progress;

    @GET
    public Lag lag() throws SQLException {
        return new Lag(engine.status(), slots.read(), progress.millisBehind(), progress.lastAck().orElse(null));
    }
}
