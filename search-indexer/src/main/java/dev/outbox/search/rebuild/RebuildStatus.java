package dev.outbox.search.rebuild;

import java.time.Instant;

/**
 * Where the last rebuild stands: {@code never}, {@code replaying} (the live index still serves and indexes),
 * {@code swapping} (live indexing paused for the last records), {@code done} or {@code failed}.
 */
public record RebuildStatus(String state, Instant startedAt, Instant finishedAt, long eventsRead, long poisonSkipped,
                            Long documents, String index, String error) {

    static RebuildStatus never() {
        return new RebuildStatus("never", null, null, 0, 0, null, null, null);
    }

    static RebuildStatus started(Instant at) {
        return new RebuildStatus("replaying", at, null, 0, 0, null, null, null);
    }

    boolean isRunning() {
        return state.equals("replaying") || state.equals("swapping");
    }

    RebuildStatus progressed(int read, int poison) {
        return new RebuildStatus(state, startedAt, null, eventsRead + read, poisonSkipped + poison, null, null, null);
    }

    RebuildStatus swapping() {
        return new RebuildStatus("swapping", startedAt, null, eventsRead, poisonSkipped, null, null, null);
    }

    RebuildStatus done(Instant at, long liveDocuments, String generation) {
        return new RebuildStatus("done", startedAt, at, eventsRead, poisonSkipped, liveDocuments, generation, null);
    }

    RebuildStatus failed(Instant at, String reason) {
        return new RebuildStatus("failed", startedAt, at, eventsRead, poisonSkipped, null, null, reason);
    }
}
