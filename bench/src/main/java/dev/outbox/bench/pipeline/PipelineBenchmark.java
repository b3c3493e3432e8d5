package dev.outbox.bench.pipeline;

import dev.outbox.bench.kafka.GroupLag;
import dev.outbox.bench.load.ClosedLoop;
import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.bench.publish.BlogDrafts;
import dev.outbox.bench.publish.Json;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.WorkDirectory;
import dev.outbox.local.LocalPipeline;
import dev.outbox.local.LocalSettings;
import dev.outbox.local.Topics;
import dev.outbox.local.demo.Api;
import dev.outbox.local.demo.FreshnessProbe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The end-to-end benchmark: the whole pipeline as {@code ./run-local} starts it (LocalPipeline: embedded Postgres and
 * Kafka, the four packaged services), driven through the HTTP API. Measures how fresh the views are at steady publish
 * rates next to an idle baseline, how fast they catch up on a backlog, and each part's resident memory. Run from the
 * repository root (bench/pipeline.sh).
 */
public final class PipelineBenchmark {

    /** Generous: at the max rate a probe may wait behind a backlog. */
    private static final Duration PROBE_DEADLINE = Duration.ofMinutes(5);
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(10);
    private static final Duration LAG_POLL = Duration.ofMillis(100);

    /** Everything one pipeline measured, in the order it ran; {@code services} as LocalPipeline named them. */
    record Results(LocalSettings.Search search, List<String> services, LoadResult sustained,
                   FreshnessPhase.Result idle, List<FreshnessPhase.Result> rates,
                   List<ResidentMemory.Usage> highestRateMemory, CatchUp.Result catchUp) {
    }

    private final PipelineSettings settings;
    private final LocalPipeline pipeline;
    private final LocalSettings.Search search;
    private final String bootstrapServers;
    private final Api api;
    private final CpuSplit cpu;

    private PipelineBenchmark(PipelineSettings settings, LocalPipeline pipeline, LocalSettings local) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.search = local.search();
        this.bootstrapServers = "127.0.0.1:" + local.kafkaPort();
        this.api = new Api("http://127.0.0.1:" + local.blogPort(), "http://127.0.0.1:" + local.searchPort());
        List<CpuSplit.Part> parts = new ArrayList<>(List.of(
                CpuSplit.Part.argument("blog-app", "blog-app/target/quarkus-app"),
                CpuSplit.Part.argument("relay", "cdc-relay/target/quarkus-app"),
                CpuSplit.Part.argument("analytics", "analytics-consumer/target/quarkus-app"),
                // Both members on OpenSearch.
                CpuSplit.Part.argument("search", "search-indexer/target/quarkus-app"),
                CpuSplit.Part.executable("postgres", "/postgres")));
        if (search == LocalSettings.Search.OPENSEARCH) {
            parts.add(CpuSplit.Part.among("opensearch", pipeline.partProcesses("opensearch")));
        }
        // The broker is the one other JVM: its arguments (a long classpath) are not reliably readable from here.
        parts.add(CpuSplit.Part.executable("kafka", "/java"));
        this.cpu = new CpuSplit("bench", parts, "rest");
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings settings = PipelineSettings.parse(args);
        List<Results> runs = new ArrayList<>();
        for (LocalSettings.Search search : settings.searches()) {
            runs.add(runOn(settings, search));
        }
        new PipelineReport(System.out).print(settings, runs);
    }

    /** One pipeline with search on {@code search}, started for this run alone and stopped after it. */
    private static Results runOn(PipelineSettings settings, LocalSettings.Search search) throws Exception {
        String name = search.name().toLowerCase(Locale.ROOT);
        System.out.printf("# search on %s: starting the pipeline ...%n", name);
        // Eight different ports: separate picks may return the same one twice.
        List<Integer> ports = LoopbackPorts.pick(8);
        LocalSettings local = LocalSettings.parse(new String[] {
                "--repository=" + Path.of("").toAbsolutePath(),
                "--data=" + WorkDirectory.newInstanceDirectory("pipeline-" + name).resolve("data"),
                "--postgres-port=" + ports.get(0), "--kafka-port=" + ports.get(1),
                "--kafka-controller-port=" + ports.get(2), "--blog-port=" + ports.get(3),
                "--relay-port=" + ports.get(4), "--analytics-port=" + ports.get(5), "--search-port=" + ports.get(6),
                "--search=" + name, "--opensearch-port=" + ports.get(7)});
        LocalPipeline pipeline = new LocalPipeline(local, System.out);
        // Ctrl-C stops the pipeline too; stop() does its work once.
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop, "pipeline-stop"));
        try {
            pipeline.start();
            return new PipelineBenchmark(settings, pipeline, local).run();
        } finally {
            pipeline.stop();
        }
    }

    private Results run() throws Exception {
        BlogDrafts drafts = BlogDrafts.generate(new Json());
        PublishLoad background = new PublishLoad(api, signUp("bench", settings.authors()), drafts);
        Api.Author probeAuthor = api.signUp("bench_probe");
        FreshnessProbe probe = new FreshnessProbe(api, probeAuthor, settings.probePoll(), PROBE_DEADLINE);
        List<String> services = pipeline.serviceNames();
        try (GroupLag lag = new GroupLag(bootstrapServers, Topics.EVENTS, Topics.PARTITIONS)) {
            System.out.printf(Locale.ROOT, "# closed loop, %d clients: what the API sustains, after every JVM's "
                    + "warm-up ...%n", settings.maxClients());
            LoadResult sustained = new ClosedLoop(settings.maxClients(), settings.closedLoopWarmUp(),
                    settings.measured(), cpu).run("POST /blogs, closed loop", background::client);
            settle(probe, lag);

            FreshnessPhase.Result idle;
            List<FreshnessPhase.Result> rates = new ArrayList<>();
            List<ResidentMemory.Usage> highestRateMemory = List.of();
            try (ProbeTap tap = new ProbeTap(bootstrapServers, Topics.EVENTS, Topics.PARTITIONS,
                    probeAuthor.id())) {
                FreshnessPhase phase = new FreshnessPhase(probe, tap, cpu);
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
                    ResidentMemory memory = highest ? ResidentMemory.sample(pipeline, services) : null;
                    rates.add(phase.atRate(name, rate, background, settings.warmUp(), settings.measured(),
                            settings.clients(), busyBefore));
                    if (memory != null) {
                        highestRateMemory = memory.stop();
                    }
                    settle(probe, lag);
                }
            }

            PublishLoad backlog = new PublishLoad(api, signUp("backlog", settings.authors()), drafts);
            CatchUp.Result catchUp = new CatchUp(pipeline, api, lag, cpu).run(backlog, settings.catchUpEvents(),
                    settings.catchUpClients(), services, CpuSplit.awaitIdle(settings.idleWait()));
            return new Results(search, services, sustained, idle, rates, highestRateMemory, catchUp);
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
        for (String group : List.of("analytics", pipeline.searchGroup())) {
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
