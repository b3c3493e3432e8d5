package dev.outbox.bench.pipeline;

import dev.outbox.bench.load.LoadClient;
import dev.outbox.bench.publish.BlogDrafts;
import dev.outbox.local.demo.Api;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Background publishes through {@code POST /blogs} as random authors of a fixed set, on several client threads: paced
 * at a rate (open loop), or a fixed number as fast as the API answers. Counts each author's successes.
 */
final class PublishLoad {

    /** The publishes answered in the measured window: their number, rate and latency; and every error. */
    record Outcome(long published, double perSecond, Histogram latencyMicros, long errors, String firstError) {
    }

    private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final Api api;
    private final List<Api.Author> authors;
    private final BlogDrafts drafts;
    private final AtomicLongArray publishedByAuthor;

    PublishLoad(Api api, List<Api.Author> authors, BlogDrafts drafts) {
        this.api = api;
        this.authors = List.copyOf(authors);
        this.drafts = drafts;
        this.publishedByAuthor = new AtomicLongArray(authors.size());
    }

    List<Api.Author> authors() {
        return authors;
    }

    /** Successful publishes of author number {@code index} so far. */
    long publishedBy(int index) {
        return publishedByAuthor.get(index);
    }

    /**
     * Open loop: publish number i is due at {@code i / rate} seconds after the start, whatever became of the ones
     * before it; a thread that falls behind sends at once. Latency counts from the due time, so it includes any wait
     * for a free thread. The outcome counts the publishes answered in the measured window, after the warm-up.
     */
    Outcome atRate(int rate, Duration warmUp, Duration measured, int clients) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long end = measureFrom + measured.toNanos();
        return run(clients, measureFrom, end, slot -> {
            long due = start + slot * 1_000_000_000L / rate;
            return due < end ? due : -1;
        });
    }

    /** Closed loop: {@code events} publishes shared among {@code clients} threads, each sent after the last answer. */
    Outcome count(int events, int clients) throws InterruptedException {
        long start = System.nanoTime();
        return run(clients, start, Long.MAX_VALUE, slot -> slot < events ? System.nanoTime() : -1);
    }

    /** One client of {@link dev.outbox.bench.load.ClosedLoop}, publishing like the threads of this load. */
    LoadClient client(int index) {
        Random random = new Random(index);
        return () -> {
            publish(random);
            return "POST /blogs";
        };
    }

    /** When publish number {@code slot} is due ({@link System#nanoTime()}), or -1 once there are no more. */
    private interface Schedule {
        long due(long slot);
    }

    private Outcome run(int clients, long measureFrom, long end, Schedule schedule) throws InterruptedException {
        AtomicLong nextSlot = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Tally>> tallies = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                Random random = new Random(client);
                tallies.add(threads.submit(() -> drive(random, nextSlot, schedule, measureFrom, end, firstError)));
            }
            Histogram latency = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
            long errors = 0;
            long lastAnswer = measureFrom;
            for (Future<Tally> future : tallies) {
                Tally tally = future.get();
                latency.add(tally.latencyMicros);
                errors += tally.errors;
                lastAnswer = Math.max(lastAnswer, tally.lastAnswer);
            }
            // An open loop's window ends on the clock, a count with its last answer.
            double seconds = (Math.min(end, lastAnswer) - measureFrom) / 1e9;
            return new Outcome(latency.getTotalCount(), latency.getTotalCount() / seconds, latency, errors,
                    firstError.get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("A publishing thread failed", e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }

    /** One thread's share, merged once all are done so the threads share nothing while they publish. */
    private static final class Tally {
        final Histogram latencyMicros = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        long errors;
        long lastAnswer;
    }

    private Tally drive(Random random, AtomicLong nextSlot, Schedule schedule, long measureFrom, long end,
                        AtomicReference<String> firstError) throws InterruptedException {
        Tally tally = new Tally();
        while (true) {
            long due = schedule.due(nextSlot.getAndIncrement());
            // Slots a slow API left behind are dropped at the end rather than sent late, after the window.
            if (due < 0 || System.nanoTime() >= end) {
                return tally;
            }
            LockSupport.parkNanos(due - System.nanoTime());
            try {
                publish(random);
            } catch (IOException e) {
                firstError.compareAndSet(null, e.toString());
                tally.errors++;
                continue;
            }
            long answered = System.nanoTime();
            if (answered >= measureFrom && answered <= end) {
                tally.lastAnswer = answered;
                tally.latencyMicros.recordValue(Math.min((answered - due) / 1_000, HIGHEST_TRACKABLE_MICROS));
            }
        }
    }

    private void publish(Random random) throws IOException, InterruptedException {
        int author = random.nextInt(authors.size());
        BlogDrafts.Draft draft = drafts.pick(random);
        api.publish(authors.get(author), draft.title(), draft.body(), draft.tags());
        publishedByAuthor.incrementAndGet(author);
    }
}
