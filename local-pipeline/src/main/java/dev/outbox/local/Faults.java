package dev.outbox.local;

import dev.outbox.embedded.process.QuarkusAppProcess;

import java.time.Duration;

/**
 * The faults the fault runs and benchmarks inject, as a crash, an operator or an outage would; supervision treats
 * none of them as a crash of its own to restart.
 */
public final class Faults {

    private final Supervisor supervisor;
    private final Infrastructure infrastructure;

    Faults(Supervisor supervisor, Infrastructure infrastructure) {
        this.supervisor = supervisor;
        this.infrastructure = infrastructure;
    }

    /** SIGKILLs a service, as a crash would, and starts it again as a supervisor would; does not wait for it. */
    public QuarkusAppProcess killAndRestart(String service) {
        return supervisor.replace(service, QuarkusAppProcess::kill);
    }

    /** Stops a service in an orderly way (SIGTERM) and keeps it stopped until {@link #startService}. */
    public void stopService(String service) {
        supervisor.hold(service, QuarkusAppProcess::stop);
    }

    /** SIGKILLs a service, as a crash would, and keeps it down until {@link #startService}. */
    public void killService(String service) {
        supervisor.hold(service, QuarkusAppProcess::kill);
    }

    /** Starts a service stopped or killed on purpose; returns without waiting for it to be ready. */
    public QuarkusAppProcess startService(String service) {
        return supervisor.release(service);
    }

    /**
     * Stops Postgres, Kafka or OpenSearch for {@code downFor} and starts it again on the same data. The services ride
     * it out or exit; those that exited are restarted once it is back.
     */
    public void outage(String part, Duration downFor) throws InterruptedException {
        supervisor.whilePaused(() -> infrastructure.outage(part, downFor));
    }
}
