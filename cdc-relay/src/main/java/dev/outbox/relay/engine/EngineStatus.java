package dev.outbox.relay.engine;

import java.time.Instant;

/** What the engine is doing now, as health and {@code /lag} report it. */
public record EngineStatus(State state, String detail, int attempt, Instant since) {

    public enum State {
        /** Not started yet, or waiting to retry a start that failed (database or broker unreachable). */
        STARTING,
        /** Another relay holds the active lock for the slot; this one takes over once that lock is released. */
        STANDBY,
        /** The connector task runs: changes flow from the slot to Kafka. */
        STREAMING,
        /** Stopped for good: shutting down, or failed after it had streamed (the process exits). */
        STOPPED
    }

    static EngineStatus starting(String detail, int attempt) {
        return new EngineStatus(State.STARTING, detail, attempt, Instant.now());
    }

    static EngineStatus standby(String detail) {
        return new EngineStatus(State.STANDBY, detail, 0, Instant.now());
    }

    static EngineStatus streaming() {
        return new EngineStatus(State.STREAMING, "streaming changes from the replication slot", 0, Instant.now());
    }

    static EngineStatus stopped(String detail) {
        return new EngineStatus(State.STOPPED, detail, 0, Instant.now());
    }
}
