package dev.outbox.local.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Probe blogs published one at a time by a dedicated author, each watched from its 201 until the author's
 * {@code total_blogs} counts it and {@code GET /search} finds the one word only it contains.
 */
public final class FreshnessProbe {

    /** One probe's moments ({@link System#nanoTime()}): its 201 arrived, it was counted, it was searchable. */
    public record Times(long blogId, long committedNanos, long countedNanos, long searchableNanos) {

        public long countedAfterMicros() {
            return (countedNanos - committedNanos) / 1_000;
        }

        public long searchableAfterMicros() {
            return (searchableNanos - committedNanos) / 1_000;
        }
    }

    private final Api api;
    private final Api.Author author;
    private final Duration pollInterval;
    private final Duration deadline;
    private long published;

    /** {@code author} must have published nothing else: its count tells which probes it has seen. */
    public FreshnessProbe(Api api, Api.Author author, Duration pollInterval, Duration deadline) {
        this.api = api;
        this.author = author;
        this.pollInterval = pollInterval;
        this.deadline = deadline;
    }

    /** Publishes the next probe and polls both views until each shows it; fails once the deadline passes. */
    public Times publishAndWatch() throws IOException, InterruptedException {
        String word = "probe" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        long blogId = api.publish(author, "Probe " + word, "A freshness probe " + word, List.of());
        // The 201 arrives right after blog-app's commit: the clock starts here.
        long committed = System.nanoTime();
        published++;
        long counted = 0;
        long searchable = 0;
        while (true) {
            if (counted == 0 && shows(() -> api.totalBlogs(author.id()) >= published)) {
                counted = System.nanoTime();
            }
            if (searchable == 0 && shows(() -> api.searchHits(word) == 1)) {
                searchable = System.nanoTime();
            }
            if (counted != 0 && searchable != 0) {
                return new Times(blogId, committed, counted, searchable);
            }
            if (System.nanoTime() - committed > deadline.toNanos()) {
                throw new IOException("probe blog " + word + " was not counted and found within " + deadline);
            }
            Thread.sleep(pollInterval.toMillis());
        }
    }

    private interface View {
        boolean showsProbe() throws IOException, InterruptedException;
    }

    /** A service being restarted (./run-local restarts one that exits) does not show the probe yet. */
    private static boolean shows(View view) throws IOException, InterruptedException {
        try {
            return view.showsProbe();
        } catch (Api.Unreachable restarting) {
            return false;
        }
    }
}
