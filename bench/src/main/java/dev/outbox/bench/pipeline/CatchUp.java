package dev.outbox.bench.pipeline;

import dev.outbox.bench.kafka.GroupLag;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.local.LocalPipeline;
import dev.outbox.local.demo.Api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Catch-up: cdc-relay and both consumers stopped in an orderly way, a backlog published through the API meanwhile,
 * then the three started again and timed until every event is on Kafka, every author's {@code total_blogs} is exact
 * and the search index holds every blog.
 */
final class CatchUp {

    /** Seconds after the restart; the publish rate is the one achieved while {@code downstream} were down. */
    record Result(List<String> downstream, int events, PublishLoad.Outcome published,
                  Map<String, Double> readySeconds, double onKafkaSeconds, double countedSeconds, double searchableSeconds, List<ResidentMemory.Usage> memory,
                  CpuSplit.Share cpu, double busyBefore) {
    }

    private static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofMinutes(20);

    private final LocalPipeline pipeline;
    private final Api api;
    private final GroupLag lag;
    private final CpuSplit cpuSplit;

    CatchUp(LocalPipeline pipeline, Api api, GroupLag lag, CpuSplit cpuSplit) {
        this.pipeline = pipeline;
        this.api = api;
        this.lag = lag;
        this.cpuSplit = cpuSplit;
    }

    /**
     * Call on a settled pipeline: the topic's end and the index's size are the starting points. Every service but
     * blog-app is stopped for the backlog: everything downstream of its commit, both search members on OpenSearch.
     */
    Result run(PublishLoad backlog, int events, int clients, List<String> services, double busyBefore)
            throws Exception {
        // The relay first, as the earlier runs in docs/benchmarks.md did.
        List<String> downstream = services.stream().filter(service -> !service.equals("blog-app"))
                .sorted(Comparator.comparing(service -> !service.equals("cdc-relay"))).toList();
        ResidentMemory memory = ResidentMemory.sample(pipeline, services);
        long topicEnd = lag.endOffsetsSum();
        long indexed = api.indexedBlogs();
        for (String service : downstream) {
            System.out.printf("# catch-up: stopping %s ...%n", service);
            pipeline.faults().stopService(service);
        }
        System.out.printf("# catch-up: publishing %d blogs with %d clients ...%n", events, clients);
        PublishLoad.Outcome published = backlog.count(events, clients);
        if (published.errors() > 0) {
            throw new IllegalStateException("The catch-up backlog had " + published.errors()
                    + " failed publishes, so what the views must reach is unknown; the first: "
                    + published.firstError());
        }
        System.out.println("# catch-up: starting them again ...");
        CpuSplit.Snapshot cpuFrom = cpuSplit.snapshot();
        long restart = System.nanoTime();
        Map<String, QuarkusAppProcess> restarted = new LinkedHashMap<>();
        for (String service : downstream) {
            restarted.put(service, pipeline.faults().startService(service));
        }
        Map<String, Double> ready = new LinkedHashMap<>();
        List<Integer> inexact = new ArrayList<>(IntStream.range(0, backlog.authors().size()).boxed().toList());
        double onKafka = -1;
        double counted = -1;
        double searchable = -1;
        while (onKafka < 0 || counted < 0 || searchable < 0) {
            if (secondsSince(restart) > DEADLINE.toSeconds()) {
                throw new IllegalStateException(String.format("Not caught up %s after the restart: on Kafka %s, "
                        + "counted %s, searchable %s", DEADLINE, onKafka >= 0, counted >= 0, searchable >= 0));
            }
            for (Map.Entry<String, QuarkusAppProcess> service : restarted.entrySet()) {
                service.getValue().assertAlive();
                if (!ready.containsKey(service.getKey()) && service.getValue().status("/q/health/ready") == 200) {
                    ready.put(service.getKey(), secondsSince(restart));
                }
            }
            if (onKafka < 0 && lag.endOffsetsSum() >= topicEnd + events) {
                onKafka = secondsSince(restart);
            }
            if (counted < 0 && allExact(backlog, inexact)) {
                counted = secondsSince(restart);
            }
            if (searchable < 0 && indexedAtLeast(indexed + events)) {
                searchable = secondsSince(restart);
            }
            Thread.sleep(CHECK_INTERVAL.toMillis());
        }
        CpuSplit.Share cpu = cpuFrom.until(cpuSplit.snapshot());
        return new Result(downstream, events, published, ready, onKafka, counted, searchable, memory.stop(), cpu,
                busyBefore);
    }

    private static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }

    /** Checks the authors not yet exact, dropping those that now are; true once none is left. */
    private boolean allExact(PublishLoad backlog, List<Integer> inexact) throws IOException, InterruptedException {
        for (Iterator<Integer> authors = inexact.iterator(); authors.hasNext(); ) {
            int author = authors.next();
            long total = api.totalBlogs(backlog.authors().get(author).id());
            long expected = backlog.publishedBy(author);
            if (total > expected) {
                throw new IllegalStateException("Author " + backlog.authors().get(author).id() + " has total_blogs "
                        + total + " but published " + expected + ": an event was counted twice");
            }
            if (total == expected) {
                authors.remove();
            }
        }
        return inexact.isEmpty();
    }

    private boolean indexedAtLeast(long blogs) throws InterruptedException {
        try {
            return api.indexedBlogs() >= blogs;
        } catch (IOException e) {
            // The indexer is still starting.
            return false;
        }
    }
}
