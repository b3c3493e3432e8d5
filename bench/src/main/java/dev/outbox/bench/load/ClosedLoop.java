package dev.outbox.bench.load;

import dev.outbox.bench.machine.CpuSplit;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code clients} threads that each send requests back-to-back (the next request only after the previous answer)
 * for a warm-up and then a measured window, so the offered load adapts to what the system under test sustains.
 */
public final class ClosedLoop {

    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int clients;
    private final Duration warmUp;
    private final Duration measured;
    private final CpuSplit cpuSplit;

    public ClosedLoop(int clients, Duration warmUp, Duration measured, CpuSplit cpuSplit) {
        this.clients = clients;
        this.warmUp = warmUp;
        this.measured = measured;
        this.cpuSplit = cpuSplit;
    }

    public LoadResult run(String name, LoadClient.Factory factory) throws InterruptedException {
        List<LoadClient> loadClients = open(factory);
        long measureFrom = System.nanoTime() + warmUp.toNanos();
        long measureUntil = measureFrom + measured.toNanos();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<ClientTally>> tallies = new ArrayList<>();
            for (LoadClient client : loadClients) {
                tallies.add(threads.submit(() -> drive(client, measureFrom, measureUntil, firstError)));
            }
            sleepUntil(measureFrom);
            CpuSplit.Snapshot cpuAtStart = cpuSplit.snapshot();
            sleepUntil(measureUntil);
            CpuSplit.Share cpu = cpuAtStart.until(cpuSplit.snapshot());
            Map<String, Histogram> byKind = new TreeMap<>();
            Histogram overall = newHistogram();
            long successes = 0;
            long errors = 0;
            for (Future<ClientTally> future : tallies) {
                ClientTally tally = future.get();
                tally.latencyByKind.forEach((kind, latency) -> {
                    byKind.computeIfAbsent(kind, k -> newHistogram()).add(latency);
                    overall.add(latency);
                });
                successes += tally.successes;
                errors += tally.errors;
            }
            Map<String, LoadResult.Latency> latencies = new TreeMap<>();
            byKind.forEach((kind, latency) -> latencies.put(kind, new LoadResult.Latency(latency, measured)));
            return new LoadResult(name, latencies, new LoadResult.Latency(overall, measured), successes, errors,
                    firstError.get(), cpu);
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + ": a client failed", e.getCause());
        } finally {
            threads.shutdownNow();
            closeAll(loadClients);
        }
    }

    /** Per-thread counts, merged after the run so the measuring threads share nothing. */
    private static final class ClientTally {
        final Map<String, Histogram> latencyByKind = new HashMap<>();
        long successes;
        long errors;
    }

    private static ClientTally drive(LoadClient client, long measureFrom, long measureUntil,
                                     AtomicReference<String> firstError) {
        ClientTally tally = new ClientTally();
        for (long start = System.nanoTime(); start < measureUntil; start = System.nanoTime()) {
            String kind;
            try {
                kind = client.send();
            } catch (Exception e) {
                firstError.compareAndSet(null, e.toString());
                tally.errors++;
                continue;
            }
            tally.successes++;
            if (start >= measureFrom) {
                tally.latencyByKind.computeIfAbsent(kind, k -> newHistogram())
                        .recordValue(Math.min(System.nanoTime() - start, HIGHEST_TRACKABLE_NANOS));
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

    private List<LoadClient> open(LoadClient.Factory factory) {
        List<LoadClient> opened = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                opened.add(factory.open(i));
            }
            return opened;
        } catch (Exception e) {
            closeAll(opened);
            throw new IllegalStateException("Cannot open client " + opened.size(), e);
        }
    }

    private static void closeAll(List<LoadClient> loadClients) {
        for (LoadClient client : loadClients) {
            try {
                client.close();
            } catch (Exception e) {
                System.err.println("Closing a client failed: " + e);
            }
        }
    }

    private static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    }
}
