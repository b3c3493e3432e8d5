package dev.outbox.bench.pipeline;

import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.local.demo.FreshnessProbe;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One freshness phase: background publishes at a steady rate (none for the idle baseline) while probe blogs go out one
 * at a time. Each probe committed in the measured window is timed from its 201 to its event on Kafka, to its author's
 * {@code total_blogs} and to the search index.
 */
final class FreshnessPhase {

    /** What one phase measured; {@code load} is null for the idle baseline. Delays in microseconds. */
    record Result(String name, int targetRate, PublishLoad.Outcome load, Histogram onKafkaMicros,
                  Histogram countedMicros, Histogram searchableMicros, CpuSplit.Share cpu, double busyBefore) {

        long probes() {
            return countedMicros.getTotalCount();
        }
    }

    static final Duration PROBE_PAUSE = Duration.ofMillis(100);
    /** Counted and searchable imply on Kafka; the tap, one more consumer, may trail the services a little. */
    private static final Duration ARRIVAL_DEADLINE = Duration.ofSeconds(30);

    private final FreshnessProbe probe;
    private final ProbeTap tap;
    private final CpuSplit cpuSplit;

    FreshnessPhase(FreshnessProbe probe, ProbeTap tap, CpuSplit cpuSplit) {
        this.probe = probe;
        this.tap = tap;
        this.cpuSplit = cpuSplit;
    }

    /** The probes alone, nothing else publishing: the baseline. */
    Result idle(Duration measured, double busyBefore) throws Exception {
        return atRate("idle (probes only)", 0, null, Duration.ZERO, measured, 0, busyBefore);
    }

    Result atRate(String name, int rate, PublishLoad load, Duration warmUp, Duration measured, int clients,
                  double busyBefore) throws Exception {
        Histogram onKafka = new Histogram(3);
        Histogram counted = new Histogram(3);
        Histogram searchable = new Histogram(3);
        long measureFrom = System.nanoTime() + warmUp.toNanos();
        long measureUntil = measureFrom + measured.toNanos();
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
        try {
            Future<PublishLoad.Outcome> publishing = load == null ? null
                    : background.submit(() -> load.atRate(rate, warmUp, measured, clients));
            Future<CpuSplit.Snapshot> cpuFrom = background.schedule(cpuSplit::snapshot, warmUp.toNanos(),
                    TimeUnit.NANOSECONDS);
            Future<CpuSplit.Snapshot> cpuUntil = background.schedule(cpuSplit::snapshot,
                    warmUp.plus(measured).toNanos(), TimeUnit.NANOSECONDS);
            while (System.nanoTime() < measureUntil) {
                FreshnessProbe.Times times = probe.publishAndWatch();
                long arrived = tap.awaitArrival(times.blogId(), ARRIVAL_DEADLINE);
                if (times.committedNanos() >= measureFrom && times.committedNanos() < measureUntil) {
                    // The relay may beat the 201 to the client: from the client's point of view that is no delay.
                    onKafka.recordValue(Math.max(0, arrived - times.committedNanos()) / 1_000);
                    counted.recordValue(times.countedAfterMicros());
                    searchable.recordValue(times.searchableAfterMicros());
                }
                // Pacing, so the probes themselves stay a trickle.
                Thread.sleep(PROBE_PAUSE.toMillis());
            }
            PublishLoad.Outcome outcome = publishing == null ? null : publishing.get();
            return new Result(name, rate, outcome, onKafka, counted, searchable, cpuFrom.get().until(cpuUntil.get()),
                    busyBefore);
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + ": the background publishes failed", e.getCause());
        } finally {
            background.shutdownNow();
        }
    }
}
