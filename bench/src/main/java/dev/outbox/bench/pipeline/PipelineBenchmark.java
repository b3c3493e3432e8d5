package dev.outbox.bench.pipeline;

import dev.outbox.bench.kafka.GroupLag;
import dev.outbox.bench.load.ClosedLoop;
import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.bench.publish.BlogDrafts;
import dev.outbox.bench.publish.Json;
import dev.outbox.local.LocalPipeline;
import dev.outbox.local.LocalSettings;
import dev.outbox.local.demo.Api;
import dev.outbox.local.demo.FreshnessProbe;
import dev.outbox.testsupport.process.LoopbackPorts;
import dev.outbox.testsupport.process.WorkDirectory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The end-to-end benchmark: the whole pipeline as {@code ./run-local} starts it (LocalPipeline: embedded Postgres and
 * Kafka, the four packaged services), driven through the HTTP API. Measures how fresh the views are at steady publish
 * rates next to an idle baseline, how fast they catch up on a backlog, and each part's resident memory. Run from the
 * repository root (bench/pipeline.sh).
 */
public final class PipelineBenchmark {

    static final List<String> SERVICES = List.of("blog-app", "cdc-relay", "analytics-consumer", "search-indexer");
    /** The services' default consumer groups, which LocalPipeline keeps. */
    private static final List<String> GROUPS = List.of("analytics", "search");
    private static final CpuSplit CPU = new CpuSplit("bench", List.of(
            CpuSplit.Part.argument("blog-app", "blog-app/target/quarkus-app"),
            CpuSplit.Part.argument("relay", "cdc-relay/target/quarkus-app"),
            CpuSplit.Part.argument("analytics", "analytics-consumer/target/quarkus-app"),
            CpuSplit.Part.argument("search", "search-indexer/target/quarkus-app"),
            CpuSplit.Part.executable("postgres", "/postgres"),
            // The broker is the one other JVM: its arguments (a long classpath) are not reliably readable from here.
            CpuSplit.Part.executable("kafka", "/java")), "rest");
    /** Generous: at the max rate a probe may wait behind a backlog. */
    private static final Duration PROBE_DEADLINE = Duration.ofMinutes(5);
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(10);
    private static final Duration LAG_POLL = Duration.ofMillis(100);

    /** Everything one run measured, in the order it ran. */
    record Results(LoadResult sustained, FreshnessPhase.Result idle, List<FreshnessPhase.Result> rates,
                   List<ResidentMemory.Usage> highestRateMemory, CatchUp.Result catchUp) {
    }

    private final PipelineSettings settings;
    private final LocalPipeline pipeline;
    private final String bootstrapServers;
    private final Api api;

    private PipelineBenchmark(PipelineSettings settings, LocalPipeline pipeline, LocalSettings local) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.bootstrapServers = "127.0.0.1:" + local.kafkaPort();
        this.api = new Api("http://127.0.0.1:" + local.blogPort(), "http://127.0.0.1:" + local.searchPort());
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings settings = PipelineSettings.parse(args);
        List<Integer> ports = IntStream.generate(LoopbackPorts::pick).distinct().limit(7).boxed().toList();
        LocalSettings local = LocalSettings.parse(new String[] {
                "--repository=" + Path.of("").toAbsolutePath(),
                "--data=" + WorkDirectory.newInstanceDirectory("pipeline").resolve("data"),
                "--postgres-port=" + ports.get(0), "--kafka-port=" + ports.get(1),
                "--kafka-controller-port=" + ports.get(2), "--blog-port=" + ports.get(3),
                "--relay-port=" + ports.get(4), "--analytics-port=" + ports.get(5), "--search-port=" + ports.get(6)});
        LocalPipeline pipeline = new LocalPipeline(local, System.out);
        // Ctrl-C stops the pipeline too; stop() does its work once.
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop, "pipeline-stop"));
        Results results;
        try {
            pipeline.start();
            results = new PipelineBenchmark(settings, pipeline, local).run();
        } finally {
            pipeline.stop();
        }
        new PipelineReport(System.out).print(settings, results);
    }

    private Results run() throws Exception {
        BlogDrafts drafts = BlogDrafts.generate(new Json());
        PublishLoad background = new PublishLoad(api, signUp("bench", settings.authors()), drafts);
        Api.Author probeAuthor = api.signUp("bench_probe");
        FreshnessProbe probe = new FreshnessProbe(api, probeAuthor, settings.probePoll(), PROBE_DEADLINE);
        try (GroupLag lag = new GroupLag(bootstrapServers, LocalPipeline.TOPIC, LocalPipeline.PARTITIONS)) {
            System.out.printf(Locale.ROOT, "# closed loop, %d clients: what the API sustains, after every JVM's "
                    + "warm-up ...%n", settings.maxClients());
            LoadResult sustained = new ClosedLoop(settings.maxClients(), settings.closedLoopWarmUp(),
                    settings.measured(), CPU).run("POST /blogs, closed loop", background::client);
            settle(probe, lag);

            FreshnessPhase.Result idle;
            List<FreshnessPhase.Result> rates = new ArrayList<>();
            List<ResidentMemory.Usage> highestRateMemory = List.of();
            try (ProbeTap tap = new ProbeTap(bootstrapServers, LocalPipeline.TOPIC, LocalPipeline.PARTITIONS,
                    probeAuthor.id())) {
                FreshnessPhase phase = new FreshnessPhase(probe, tap, CPU);
                System.out.println("# idle baseline: probes only ...");
                idle = phase.idle(settings.measured(), CpuSplit.awaitIdle(settings.idleWait()));
                List<Integer> targets = new ArrayList<>(settings.rates());
                if (settings.maxRate()) {
                    targets.add((int) Math.round(sustained.overall().requestsPerSecond()));
                }
                for (int i = 0; i < targets.size(); i++) {
                    int rate = targets.get(i);
                    boolean highest = i == targets.size() - 1;
                    String name = highest && settings.maxRate() ? PipelineSettings.MAX + " = " + rate + "/s"
                            : rate + "/s";
                    System.out.printf(Locale.ROOT, "# %s: %d s warm-up, %d s measured ...%n", name,
                            settings.warmUp().toSeconds(), settings.measured().toSeconds());
                    double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
                    ResidentMemory memory = highest ? ResidentMemory.sample(pipeline, SERVICES) : null;
                    rates.add(phase.atRate(name, rate, background, settings.warmUp(), settings.measured(),
                            settings.clients(), busyBefore));
                    if (memory != null) {
                        highestRateMemory = memory.stop();
                    }
                    settle(probe, lag);
                }
            }

            PublishLoad backlog = new PublishLoad(api, signUp("backlog", settings.authors()), drafts);
            CatchUp.Result catchUp = new CatchUp(pipeline, api, lag, CPU).run(backlog, settings.catchUpEvents(),
                    settings.catchUpClients(), SERVICES, CpuSplit.awaitIdle(settings.idleWait()));
            return new Results(sustained, idle, rates, highestRateMemory, catchUp);
        }
    }

    private List<Api.Author> signUp(String prefix, int count) throws Exception {
        List<Api.Author> authors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            authors.add(api.signUp(prefix + "_" + i));
        }
        return authors;
    }

    /**
     * Waits until everything published so far has been applied, so one phase's backlog does not count in the next: a
     * fence probe counted and searchable means the relay has passed every earlier commit (it sends in commit order),
     * and both groups at the topic's end means the consumers have too.
     */
    private void settle(FreshnessProbe probe, GroupLag lag) throws Exception {
        probe.publishAndWatch();
        long until = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        for (String group : GROUPS) {
            while (lag.position(group).lag() > 0) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("Consumer group " + group + " still lags " + SETTLE_DEADLINE
                            + " after the phase");
                }
                Thread.sleep(LAG_POLL.toMillis());
            }
        }
    }
}
