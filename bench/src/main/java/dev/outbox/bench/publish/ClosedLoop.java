package dev.outbox.bench.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.outbox.bench.machine.CpuSplit;
import org.HdrHistogram.Histogram;

/**
 * Runs {@code clients} threads that each publish back-to-back (the next request only after the previous answer) for a
 * warm-up and then a measured window, so the offered load adapts to what the system under test sustains.
 */
final class ClosedLoop {

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int clients;
    private final Duration warmUp;
    private final Duration measured;

    ClosedLoop(int clients, Duration warmUp, Duration measured) {
        this.clients = clients;
        this.warmUp = warmUp;
        this.measured = measured;
    }

    LoadResult run(String name, Publisher.Factory factory) throws InterruptedException {
        List<Publisher> publishers = open(factory);
        long measureFrom = System.nanoTime() + warmUp.toNanos();
        long measureUntil = measureFrom + measured.toNanos();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<ClientTally>> tallies = new ArrayList<>();
            for (Publisher publisher : publishers) {
                tallies.add(threads.submit(() -> drive(publisher, measureFrom, measureUntil, firstError)));
            }
            sleepUntil(measureFrom);
            CpuSplit.Snapshot cpuAtStart = PublishBenchmark.CPU.snapshot();
            sleepUntil(measureUntil);
            CpuSplit.Share cpu = cpuAtStart.until(PublishBenchmark.CPU.snapshot());
            Histogram latency = newHistogram();
            long measuredPublishes = 0;
            long successes = 0;
            long errors = 0;
            for (Future<ClientTally> future : tallies) {
                ClientTally tally = future.get();
                latency.add(tally.latency);
                measuredPublishes += tally.latency.getTotalCount();
                successes += tally.successes;
                errors += tally.errors;
            }
            return new LoadResult(name, measuredPublishes, measured, latency, successes, errors, firstError.get(), cpu);
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + ": a client failed", e.getCause());
        } finally {
            threads.shutdownNow();
            closeAll(publishers);
        }
    }

    /** Per-thread counts, merged after the run so the measuring threads share nothing. */
    private static final class ClientTally {
        final Histogram latency = newHistogram();
        long successes;
        long errors;
    }

    private static ClientTally drive(Publisher publisher, long measureFrom, long measureUntil,
                                     AtomicReference<String> firstError) {
        ClientTally tally = new ClientTally();
        for (long start = System.nanoTime(); start < measureUntil; start = System.nanoTime()) {
            try {
                publisher.publishOnce();
            } catch (Exception e) {
                firstError.compareAndSet(null, e.toString());
                tally.errors++;
                continue;
            }
            tally.successes++;
            if (start >= measureFrom) {
                tally.latency.recordValue(Math.min(System.nanoTime() - start, HIGHEST_TRACKABLE_NANOS));
            }
        }
        return tally;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining = nanoTime - System.nanoTime();
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    private List<Publisher> open(Publisher.Factory factory) {
        List<Publisher> publishers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                publishers.add(factory.open(i));
            }
            return publishers;
        } catch (Exception e) {
            closeAll(publishers);
            throw new IllegalStateException("Cannot open client " + publishers.size(), e);
        }
    }

    private static void closeAll(List<Publisher> publishers) {
        for (Publisher publisher : publishers) {
            try {
                publisher.close();
            } catch (Exception e) {
                System.err.println("Closing a client failed: " + e);
            }
        }
    }

    private static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    }
}
