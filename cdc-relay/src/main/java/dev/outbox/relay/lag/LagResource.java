package dev.outbox.relay.lag;

import dev.outbox.relay.engine.EngineStatus;
import dev.outbox.relay.engine.RelayEngine;
import dev.outbox.relay.engine.RelayProgress;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.sql.SQLException;
import java.time.Instant;

/**
 * {@code GET /lag}: how far behind the relay is, {@code GET /lag/groups}: how far behind its consumers are, and
 * {@code GET /lag/history}: both over the last hour, for people, scripts and the status page at {@code /}; the
 * relay's own figures are in /q/metrics too.
 */
@Path("/lag")
@Produces(MediaType.APPLICATION_JSON)
public class LagResource {

    /**
     * The relay's position: slot figures from Postgres, time figures and the event count from the relay itself;
     * {@code role} is {@code active} or {@code standby}.
     */
    public record Lag(String role, EngineStatus engine, SlotLag slot, double behindSourceSeconds, Instant lastKafkaAck,
                      long eventsRelayed) {
    }

    @Inject
    RelayEngine engine;

    @Inject
    SlotMonitor slots;

    @Inject
    RelayProgress progress;

    @Inject
    ConsumerGroups groups;

    @Inject
    StatusHistory history;

    @GET
    public Lag lag() throws SQLException {
        return new Lag(engine.role(), engine.status(), slots.read(), progress.millisBehind() / 1000.0, progress.lastAck().orElse(null),
                progress.eventsRelayed());
    }

    /**
     * The last hour of the relay's figures, a sample every 5 s, oldest first: what the status page draws when it is
     * opened, so the history starts before the page does.
     */
    @GET
    @Path("/history")
    public StatusHistory.History history() {
        return history.read();
    }

    /** The downstream consumer groups' lag on the relay's topics: the other half of "how far behind". */
    @GET
    @Path("/groups")
    public ConsumerGroups.Reading consumerGroups() {
        return groups.read();
    }
}
