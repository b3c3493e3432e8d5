package dev.outbox.bench.analytics;

import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.kafka.EventProducer;
import dev.outbox.bench.kafka.GroupLag;
import dev.outbox.bench.machine.CpuSplit;
import org.HdrHistogram.Histogram;

import java.sql.Connection;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One steady-rate phase against a running consumer: events at a fixed rate, the group's lag sampled every 250 ms,
 * and ten times a second a marker BlogPublished for a dedicated author whose {@code total_blogs} is polled until it
 * counts the marker: produce-to-counted delay.
 */
final class SteadyRate {

    /** What one rate did; lag in records, delay in microseconds, both over the measured window only. */
    record Result(int rate, double achieved, long events, Histogram lag, Histogram delayMicros, long markersMissing,
                  double catchUpSeconds, CpuSplit.Share cpu, double busyBefore) {
    }

    private record Marker(long expectedTotal, long sentNanos, boolean measured) {
    }

    private static final int MARKERS_PER_SECOND = 10;
    private static final Duration LAG_SAMPLE = Duration.ofMillis(250);
    private static final Duration PROBE_POLL = Duration.ofMillis(5);
    private static final Duration CATCH_UP_DEADLINE = Duration.ofMinutes(5);

    private final EventProducer producer;
    private final GroupLag lag;
    private final String group;
    private final AnalyticsDatabase database;
    private final BlogEventStream stream;
    private final long markerAuthor;
    private long markersSent;

    SteadyRate(EventProducer producer, GroupLag lag, String group, AnalyticsDatabase database, BlogEventStream stream,
               long markerAuthor) {
        this.producer = producer;
        this.lag = lag;
        this.group = group;
        this.database = database;
        this.stream = stream;
        this.markerAuthor = markerAuthor;
    }

    Result run(int rate, Duration warmUp, Duration measured, double busyBefore) throws Exception {
        Histogram lagRecords = new Histogram(3);
        Histogram delayMicros = new Histogram(3);
        Queue<Marker> pending = new ConcurrentLinkedQueue<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measuredFrom = start + warmUp.toNanos();
        long measuredUntil = measuredFrom + measured.toNanos();
        long probeUntil = measuredUntil + CATCH_UP_DEADLINE.toNanos();

        Thread sampler = daemon("lag-sampler", failure, () -> {
            LockSupport.parkNanos(measuredFrom - System.nanoTime());
            while (System.nanoTime() < measuredUntil) {
                lagRecords.recordValue(lag.position(group).lag());
                Thread.sleep(LAG_SAMPLE.toMillis());
            }
        });
        Thread probe = daemon("marker-probe", failure, () -> {
            try (Connection connection = database.connect()) {
                while (System.nanoTime() < probeUntil && (System.nanoTime() < measuredUntil || !pending.isEmpty())) {
                    Marker next = pending.peek();
                    if (next != null) {
                        long total = database.totalBlogs(connection, markerAuthor);
                        long now = System.nanoTime();
                        while (next != null && next.expectedTotal() <= total) {
                            pending.poll();
                            if (next.measured()) {
                                delayMicros.recordValue((now - next.sentNanos()) / 1_000);
                            }
                            next = pending.peek();
                        }
                    }
                    Thread.sleep(PROBE_POLL.toMillis());
                }
            }
        });

        CpuSplit.Snapshot cpuStart = null;
        long sentInWindow = 0;
        long markerEvery = Math.max(1, rate / MARKERS_PER_SECOND);
        for (long i = 0; ; i++) {
            long due = start + i * 1_000_000_000L / rate;
            if (due >= measuredUntil) {
                break;
            }
            LockSupport.parkNanos(due - System.nanoTime());
            boolean inWindow = due >= measuredFrom;
            if (inWindow && cpuStart == null) {
                cpuStart = AnalyticsBenchmark.CPU.snapshot();
            }
            if (i % markerEvery == 0) {
                pending.add(new Marker(++markersSent, System.nanoTime(), inWindow));
                producer.send(stream.publishPinned(markerAuthor));
            }
            producer.send(stream.next());
            sentInWindow += inWindow ? 1 : 0;
        }
        CpuSplit.Snapshot cpuEnd = AnalyticsBenchmark.CPU.snapshot();
        producer.flush();
        long stopped = System.nanoTime();
        sampler.join();
        long deadline = stopped + CATCH_UP_DEADLINE.toNanos();
        while (lag.position(group).lag() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        double catchUp = (System.nanoTime() - stopped) / 1e9;
        probe.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Result(rate, sentInWindow / (double) measured.toSeconds(), sentInWindow, lagRecords, delayMicros,
                pending.size(), catchUp, cpuStart.until(cpuEnd), busyBefore);
    }

    /** A step of a background thread; its first exception is kept for the main thread. */
    private interface Work {
        void run() throws Exception;
    }

    private static Thread daemon(String name, AtomicReference<Exception> failure, Work work) {
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
