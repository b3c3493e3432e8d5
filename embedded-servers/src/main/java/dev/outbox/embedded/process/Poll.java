package dev.outbox.embedded.process;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Waits, with a deadline, for a server started here to come up: polls a condition and treats the failures named
 * {@linkplain #ignoring ignorable} as "not yet". Awaitility does this in the tests; this code also runs in
 * {@code ./run-local}, which carries no test library.
 */
public final class Poll {

    private final String what;
    private Duration atMost = Duration.ofMinutes(1);
    private Duration every = Duration.ofMillis(100);
    private Class<? extends Exception> ignored;
    private String gaveUpBecause;
    private BooleanSupplier gaveUp = () -> false;

    private Poll(String what) {
        this.what = what;
    }

    /** @param what names the awaited state in the failure, like "PostgreSQL on port 5432 accepting connections" */
    public static Poll until(String what) {
        return new Poll(what);
    }

    public Poll atMost(Duration deadline) {
        this.atMost = deadline;
        return this;
    }

    public Poll every(Duration interval) {
        this.every = interval;
        return this;
    }

    /** Failures of this type (and its subtypes) from the condition mean "not yet"; any other fails the wait. */
    public Poll ignoring(Class<? extends Exception> failures) {
        this.ignored = failures;
        return this;
    }

    /** Stops waiting at once, naming {@code reason}, when {@code hopeless} holds (e.g. the server's process exited). */
    public Poll failFast(String reason, BooleanSupplier hopeless) {
        this.gaveUpBecause = reason;
        this.gaveUp = hopeless;
        return this;
    }

    /** Returns once {@code condition} answers true; throws {@link IllegalStateException} past the deadline. */
    public void holds(Callable<Boolean> condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        Exception last = null;
        while (true) {
            if (gaveUp.getAsBoolean()) {
                throw new IllegalStateException(what + ": gave up, " + gaveUpBecause);
            }
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                if (ignored == null || !ignored.isInstance(e)) {
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(what, e);
                }
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException(what + ": not within " + atMost.toSeconds() + " s"
                        + (last == null ? "" : "; last failure: " + last), last);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(what + ": interrupted", e);
            }
        }
    }
}
