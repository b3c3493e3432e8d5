package dev.outbox.local.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./run-local demo}: publishes blogs from several authors through the running pipeline's HTTP API, shows the
 * counts and the search index converging, then prints end-to-end freshness measured on probe blogs published during
 * the load (one at a time, each watched every 5 ms until its author's count and the index show it).
 */
public final class Demo {

    private static final Duration CONVERGE_DEADLINE = Duration.ofMinutes(3);
    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(30);
    private static final Duration PROBE_POLL = Duration.ofMillis(5);
    private static final long PROBE_PAUSE_MILLIS = 100;
    private static final int MIN_PROBES = 10;
    private static final int BAR_WIDTH = 30;

    private final DemoSettings settings;
    private final PrintStream out;
    private final Api api;
    /** A word only this run's blogs contain, so the search index can be asked how many of them it holds. */
    private final String runWord = "demo" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final AtomicInteger published = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> publishMicros = new ConcurrentLinkedQueue<>();
    private final List<Long> countFreshnessMicros = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> searchFreshnessMicros = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean loading = true;

    Demo(DemoSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.api = new Api(settings.blogUrl(), settings.searchUrl());
    }

    public static void main(String[] args) {
        DemoSettings settings;
        try {
            settings = DemoSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.exit(new Demo(settings, System.out).run() ? 0 : 1);
        } catch (IOException e) {
            System.err.println("The pipeline did not answer as expected (is ./run-local running?): " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(130);
        }
    }

    /** True when every blog was counted and found within the deadline. */
    boolean run() throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "Signing up %d authors, then publishing %d blogs with %d clients (run word '%s') ...%n",
                settings.authors(), settings.blogs(), settings.clients(), runWord);
        List<Api.Author> authors = new ArrayList<>();
        for (int i = 0; i < settings.authors(); i++) {
            authors.add(api.signUp(runWord + "_" + i));
        }
        Api.Author probeAuthor = api.signUp(runWord + "_probe");

        ExecutorService workers = Executors.newFixedThreadPool(settings.clients() + 1);
        long start = System.nanoTime();
        List<Future<?>> load = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int c = 0; c < settings.clients(); c++) {
            load.add(workers.submit(() -> publishLoad(authors, next)));
        }
        Future<?> probes = workers.submit(() -> probe(probeAuthor));
        long loadEnd = 0;
        long convergedAt = 0;
        long deadline = Long.MAX_VALUE;
        long counted = 0;
        long searchable = 0;
        while (true) {
            Thread.sleep(250);
            if (loading && load.stream().allMatch(Future::isDone)) {
                loading = false;
                loadEnd = System.nanoTime();
                deadline = loadEnd + CONVERGE_DEADLINE.toNanos();
                checkNoFailure(load);
            }
            try {
                long sum = 0;
                for (Api.Author author : authors) {
                    sum += api.totalBlogs(author.id());
                }
                counted = sum;
            } catch (Api.Unreachable restarting) {
                // The service is being restarted (./run-local restarts one that exits): the last figure stands.
            }
            try {
                searchable = api.searchHits(runWord);
            } catch (Api.Unreachable restarting) {
                // As above.
            }
            progress(published.get(), counted, searchable);
            if (!loading && counted == settings.blogs() && searchable == settings.blogs()) {
                convergedAt = System.nanoTime();
                break;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        out.println();
        awaitProbes(probes, workers);
        boolean converged = convergedAt != 0;
        report(start, loadEnd, convergedAt);
        return converged;
    }

    private Void publishLoad(List<Api.Author> authors, AtomicInteger next) throws IOException, InterruptedException {
        for (int i = next.getAndIncrement(); i < settings.blogs(); i = next.getAndIncrement()) {
            Api.Author author = authors.get(i % authors.size());
            long before = System.nanoTime();
            api.publish(author, "Demo post " + i + " of " + runWord,
                    "Published by the demo (" + runWord + "). What need not be real time is not: the count and the "
                            + "search index catch up from the stream.", List.of("demo"));
            publishMicros.add((System.nanoTime() - before) / 1_000);
            published.incrementAndGet();
        }
        return null;
    }

    /** One probe blog at a time while the load runs (and at least a few): commit → counted, commit → searchable. */
    private Void probe(Api.Author author) throws IOException, InterruptedException {
        FreshnessProbe probe = new FreshnessProbe(api, author, PROBE_POLL, PROBE_DEADLINE);
        for (int k = 1; loading || k <= MIN_PROBES; k++) {
            FreshnessProbe.Times times = probe.publishAndWatch();
            countFreshnessMicros.add(times.countedAfterMicros());
            searchFreshnessMicros.add(times.searchableAfterMicros());
            Thread.sleep(PROBE_PAUSE_MILLIS);
        }
        return null;
    }

    private void progress(int publishedSoFar, long counted, long searchable) {
        String line = String.format(Locale.ROOT, "%s published %d/%d  counted %d  searchable %d",
                bar(Math.min(counted, searchable)), publishedSoFar, settings.blogs(), counted, searchable);
        // On a terminal the bar redraws in place; in a log every update is a line.
        if (System.console() != null) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String bar(long done) {
        int filled = (int) (BAR_WIDTH * done / settings.blogs());
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    private void awaitProbes(Future<?> probes, ExecutorService workers) throws InterruptedException, IOException {
        try {
            probes.get(PROBE_DEADLINE.toSeconds() * 2, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the probes did not finish", e);
        } finally {
            workers.shutdownNow();
        }
    }

    private static void checkNoFailure(List<Future<?>> load) throws IOException, InterruptedException {
        for (Future<?> client : load) {
            try {
                client.get();
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private void report(long start, long loadEnd, long convergedAt) {
        double loadSeconds = (loadEnd - start) / 1e9;
        List<Long> publish = new ArrayList<>(publishMicros);
        out.printf(Locale.ROOT, "Published %d blogs from %d authors in %.1f s (%.0f/s); POST /blogs p50 %s, p99 %s%n",
                settings.blogs(), settings.authors(), loadSeconds, settings.blogs() / loadSeconds,
                millis(publish, 50), millis(publish, 99));
        if (convergedAt == 0) {
            out.printf(Locale.ROOT, "NOT CONVERGED within %s of the last publish: see local-data/logs%n",
                    CONVERGE_DEADLINE);
        } else {
            out.printf(Locale.ROOT, "Counts and search index converged %.2f s after the last publish returned%n",
                    (convergedAt - loadEnd) / 1e9);
        }
        out.printf(Locale.ROOT, "End-to-end freshness over %d probe blogs published during the load "
                + "(from the 201 of POST /blogs, polled every %d ms):%n", countFreshnessMicros.size(),
                PROBE_POLL.toMillis());
        out.printf(Locale.ROOT, "  commit → total_blogs updated   p50 %s   p99 %s   max %s%n",
                millis(countFreshnessMicros, 50), millis(countFreshnessMicros, 99), millis(countFreshnessMicros, 100));
        out.printf(Locale.ROOT, "  commit → searchable            p50 %s   p99 %s   max %s%n",
                millis(searchFreshnessMicros, 50), millis(searchFreshnessMicros, 99),
                millis(searchFreshnessMicros, 100));
    }

    /** The nearest-rank percentile, in milliseconds. */
    private static String millis(List<Long> micros, double percentile) {
        List<Long> sorted;
        synchronized (micros) {
            sorted = new ArrayList<>(micros);
        }
        if (sorted.isEmpty()) {
            return "n/a";
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100 * sorted.size());
        return String.format(Locale.ROOT, "%.0f ms", sorted.get(Math.max(0, rank - 1)) / 1000.0);
    }
}
