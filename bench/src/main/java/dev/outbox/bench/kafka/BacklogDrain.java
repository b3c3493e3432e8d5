package dev.outbox.bench.kafka;

import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.embedded.process.QuarkusAppProcess;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The members of a consumer group launched on a backlog, watched until the group's committed offsets reach the topic's
 * end: when it first committed, when its lag was 0, the rate in between (the JVM start and the group join come before
 * the first commit) and where the CPU went from launch to lag 0.
 */
public final class BacklogDrain {

    /** The first columns of a drain table; {@link Timing#cells()} fills the last three. */
    public static final String COLUMNS = "| backlog drain, max.poll.records | events | mean batch "
            + "| first commit after s | lag 0 after s | events/s (first commit → lag 0) ";

    /** Seconds from the launch, and events per second from the first commit to lag 0. */
    public record Timing(double firstCommitSeconds, double lagZeroSeconds, double perSecond, CpuSplit.Share cpu) {

        public String cells() {
            return String.format(Locale.ROOT, "| %.1f | %.1f | %.0f ", firstCommitSeconds, lagZeroSeconds, perSecond);
        }
    }

    private static final Duration LAG_POLL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofMinutes(15);

    private final CpuSplit cpuSplit;
    private final CpuSplit.Snapshot cpuAtLaunch;
    private final long launchNanos = System.nanoTime();

    private BacklogDrain(CpuSplit cpuSplit) {
        this.cpuSplit = cpuSplit;
        this.cpuAtLaunch = cpuSplit.snapshot();
    }

    /** Call right before launching the consumers: their time and CPU count from here. */
    public static BacklogDrain launching(CpuSplit cpuSplit) {
        return new BacklogDrain(cpuSplit);
    }

    /** Reads the group's position every 100 ms until its lag is 0; the consumers are still running on return. */
    public Timing awaitLagZero(List<QuarkusAppProcess> consumers, GroupLag lag, String group) throws Exception {
        long firstCommit = 0;
        long committedAtFirst = 0;
        GroupLag.Position position;
        do {
            Thread.sleep(LAG_POLL.toMillis());
            consumers.forEach(QuarkusAppProcess::assertAlive);
            position = lag.position(group);
            if (firstCommit == 0 && position.committed() > 0) {
                firstCommit = System.nanoTime();
                committedAtFirst = position.committed();
            }
        } while (position.lag() > 0 && System.nanoTime() - launchNanos < DEADLINE.toNanos());
        long done = System.nanoTime();
        // Before the consumers stop: the CPU of a process that has ended is missed.
        CpuSplit.Share cpu = cpuAtLaunch.until(cpuSplit.snapshot());
        if (position.lag() > 0) {
            throw new IllegalStateException("The consumer did not drain the backlog within " + DEADLINE);
        }
        return new Timing((firstCommit - launchNanos) / 1e9, (done - launchNanos) / 1e9,
                (position.committed() - committedAtFirst) / ((done - firstCommit) / 1e9), cpu);
    }
}
