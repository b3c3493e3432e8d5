package dev.outbox.bench.search;

import dev.outbox.bench.kafka.BacklogDrain;
import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.kafka.EventProducer;
import dev.outbox.bench.kafka.GroupLag;
import dev.outbox.bench.load.ClosedLoop;
import dev.outbox.bench.load.LoadClient;
import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.bench.machine.Machine;
import dev.outbox.testsupport.kafka.EmbeddedKafkaBroker;
import dev.outbox.testsupport.process.QuarkusAppProcess;
import dev.outbox.testsupport.process.WorkDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The search-indexer benchmark: how fast the packaged indexer drains a backlog of blog events into its Lucene index,
 * and how fast {@code GET /search} then answers a mix of queries, each next to the indexer's own index code run in
 * this JVM without Kafka, Quarkus or HTTP. Run from the repository root (bench/search.sh).
 */
public final class SearchBenchmark {

    private static final String TOPIC = "blog.events";
    private static final String DEAD_LETTER_TOPIC = "blog.events.dlq";
    private static final int PARTITIONS = 3;
    /** The broker is the one other JVM: its arguments (a long classpath) are not reliably readable from here. */
    private static final CpuSplit CPU = new CpuSplit("bench", List.of(
            CpuSplit.Part.argument("indexer", "quarkus-run.jar"), CpuSplit.Part.executable("kafka", "/java")), "rest");
    /** search.sh copies the packaged app here, so a rebuild of the module cannot change it under a running run. */
    private static final Path JAR = Path.of("bench/target/search-indexer-app/quarkus-run.jar");
    private static final long TEXT_SEED = 5;
    private static final int SAMPLES_PER_KIND = 5;

    record Drain(int pollRecords, int events, BacklogDrain.Timing timing, IndexFiles files, SearchApi.IndexState state,
                 double busyBefore) {

        /** Each batch the indexer applies is one Lucene commit. */
        int meanBatch() {
            return (int) Math.round(events / (double) Math.max(1, files.commits()));
        }
    }

    record Baseline(int batch, InProcessIndex.Indexing indexing, IndexFiles files, long documents, double busyBefore) {
    }

    record QueryRun(int clients, LoadResult result, double busyBefore) {
    }

    private final SearchSettings settings;
    private final Path root = WorkDirectory.root();
    private final SearchTexts texts = new SearchTexts(TEXT_SEED);
    private final QueryMix queries;
    private final List<QueryMix.Query> samples;
    private final List<BlogEventStream.Event> backlog;
    private final long liveBlogs;
    private final List<Drain> drains = new ArrayList<>();
    private final List<Baseline> baselines = new ArrayList<>();
    private final List<QueryRun> httpRuns = new ArrayList<>();
    private final List<QueryRun> inProcessRuns = new ArrayList<>();
    private List<Hits> httpHits = List.of();
    private List<Hits> inProcessHits = List.of();
    private double backlogWritePerSecond;
    private double meanPayloadBytes;

    private SearchBenchmark(SearchSettings settings) {
        this.settings = settings;
        this.queries = new QueryMix(texts, settings.authors());
        this.samples = queries.samples(SAMPLES_PER_KIND);
        BlogEventStream stream = new BlogEventStream(1, settings.authors(), 1, settings.mix());
        this.backlog = stream.take(settings.events());
        this.liveBlogs = stream.totals().values().stream().mapToLong(Long::longValue).sum();
    }

    public static void main(String[] args) throws Exception {
        SearchBenchmark benchmark = new SearchBenchmark(SearchSettings.parse(args));
        benchmark.run();
        benchmark.report();
        List<String> problems = benchmark.problems();
        if (!problems.isEmpty()) {
            problems.forEach(problem -> System.err.println("FAILED: " + problem));
            System.exit(1);
        }
    }

    private void run() throws Exception {
        Files.createDirectories(root);
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start();
             GroupLag lag = new GroupLag(kafka.bootstrapServers(), TOPIC, PARTITIONS);
             EventProducer producer = new EventProducer(kafka.bootstrapServers(), TOPIC, texts)) {
            kafka.createTopic(TOPIC, PARTITIONS);
            kafka.createTopic(DEAD_LETTER_TOPIC, 1);
            System.out.printf(Locale.ROOT, "# indexer stopped; writing a backlog of %d events ...%n", backlog.size());
            long writeStart = System.nanoTime();
            backlog.forEach(producer::send);
            producer.flush();
            backlogWritePerSecond = backlog.size() / ((System.nanoTime() - writeStart) / 1e9);

            Map<String, String> indexerProperties = new LinkedHashMap<>(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "search.topic", TOPIC,
                    "search.dead-letter-topic", DEAD_LETTER_TOPIC));
            indexerProperties.putAll(settings.indexerOverrides());
            List<Integer> pollRecords = settings.drainPollRecords();
            for (int i = 0; i < pollRecords.size(); i++) {
                drains.add(drain(lag, indexerProperties, pollRecords.get(i), i == pollRecords.size() - 1));
            }
        }

        // Kafka has stopped: the in-process phases have the machine to themselves.
        List<InProcessIndex.EncodedEvent> encoded = InProcessIndex.encode(backlog, texts);
        meanPayloadBytes = encoded.stream().mapToInt(event -> event.payload().length).average().orElse(0);
        for (int i = 0; i < drains.size(); i++) {
            int batch = drains.get(i).meanBatch();
            try (InProcessIndex index = InProcessIndex.create(root.resolve("search-index-in-process-" + batch))) {
                System.out.printf(Locale.ROOT, "# in-process: the indexer's code in batches of %d ...%n", batch);
                double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
                InProcessIndex.Indexing indexing = index.apply(encoded, batch, CPU);
                baselines.add(new Baseline(batch, indexing, IndexFiles.of(index.directory()), index.documents(),
                        busyBefore));
                if (i == drains.size() - 1) {
                    inProcessHits = index.hits(samples);
                    for (int clients : settings.clients()) {
                        inProcessRuns.add(queryLoad("in-process", clients, index::client));
                    }
                }
            }
        }
    }

    /**
     * A fresh index and group on the whole backlog; done when the group's committed offsets reach the topic's end.
     * The indexer of the last drain then serves the HTTP query phases.
     */
    private Drain drain(GroupLag lag, Map<String, String> indexerProperties, int pollRecords, boolean servesQueries)
            throws Exception {
        System.out.printf(Locale.ROOT, "# draining the backlog with max.poll.records=%d ...%n", pollRecords);
        String group = "search-drain-" + pollRecords;
        Path indexDirectory = root.resolve("search-index-drain-" + pollRecords);
        WorkDirectory.deleteRecursively(indexDirectory);
        Map<String, String> properties = new LinkedHashMap<>(indexerProperties);
        properties.put("search.group-id", group);
        properties.put("search.index-dir", indexDirectory.toString());
        properties.put("search.consumer.max.poll.records", Integer.toString(pollRecords));
        double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
        BacklogDrain drain = BacklogDrain.launching(CPU);
        try (QuarkusAppProcess indexer = QuarkusAppProcess.launch("search-indexer", JAR, List.of(), properties,
                root.resolve("search-drain-" + pollRecords + ".log"))) {
            BacklogDrain.Timing timing = drain.awaitLagZero(indexer, lag, group);
            SearchApi api = new SearchApi(indexer.port());
            Drain drained = new Drain(pollRecords, backlog.size(), timing, IndexFiles.of(indexDirectory), api.index(),
                    busyBefore);
            if (servesQueries) {
                httpHits = api.hits(samples);
                for (int clients : settings.clients()) {
                    httpRuns.add(queryLoad("HTTP", clients, api::client));
                }
            }
            return drained;
        }
    }

    private QueryRun queryLoad(String path, int clients, Function<QueryMix.Client, LoadClient> clientFor)
            throws InterruptedException {
        System.out.printf(Locale.ROOT, "# %s queries, %d client(s): %d s warm-up, %d s measured ...%n", path, clients,
                settings.warmUp().toSeconds(), settings.measured().toSeconds());
        double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
        LoadResult result = new ClosedLoop(clients, settings.warmUp(), settings.measured(), CPU)
                .run(path + " " + clients, client -> clientFor.apply(queries.forClient(client)));
        return new QueryRun(clients, result, busyBefore);
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Drain d : drains) {
            if (d.state().documents() != liveBlogs || d.state().nextOffsets() != d.events()) {
                problems.add("drain " + d.pollRecords() + ": GET /index shows " + d.state().documents()
                        + " blogs up to offset sum " + d.state().nextOffsets() + ", expected " + liveBlogs
                        + " blogs up to " + d.events());
            }
        }
        for (Baseline b : baselines) {
            if (b.documents() != liveBlogs) {
                problems.add("in-process " + b.batch() + ": " + b.documents() + " blogs, expected " + liveBlogs);
            }
        }
        List<QueryRun> runs = new ArrayList<>(httpRuns);
        runs.addAll(inProcessRuns);
        for (QueryRun run : runs) {
            if (run.result().totalErrors() > 0) {
                problems.add(run.result().name() + " clients: " + run.result().totalErrors()
                        + " failed queries, the first: " + run.result().firstError());
            }
        }
        problems.addAll(disagreements());
        return problems;
    }

    /** The sample queries whose hits differ between the indexer's index and the in-process one. */
    private List<String> disagreements() {
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (!httpHits.get(i).consistentWith(inProcessHits.get(i))) {
                disagreements.add("'" + samples.get(i).describe() + "' matched " + httpHits.get(i)
                        + " blogs over HTTP but " + inProcessHits.get(i) + " in process");
            }
        }
        return disagreements;
    }

    private void report() {
        System.out.println();
        System.out.println("```");
        Machine.printHeader(System.out, "default flags, same for the indexer and the bench");
        System.out.println("Kafka:    embedded single KRaft broker, topic " + TOPIC + " with " + PARTITIONS
                + " partitions, RF 1; producer " + EventProducer.SETTINGS);
        BlogEventStream.Mix mix = settings.mix();
        System.out.printf(Locale.ROOT, "Events:   %d backlog events (%d %% BlogPublished, %d %% BlogUpdated, %d %% "
                        + "BlogDeleted) leaving %d live blogs of %d authors, mean %.0f B JSON; backlog written at "
                        + "%.0f events/s%n", settings.events(), mix.publishPercent(), mix.updatePercent(),
                mix.deletePercent(), liveBlogs, settings.authors(), meanPayloadBytes, backlogWritePerSecond);
        System.out.printf(Locale.ROOT, "Text:     titles of 4–10 words, bodies of 150–250, from %d made-up words "
                + "drawn by Zipf (rank r ∝ 1/r); 0–3 of %d tags%n", SearchTexts.VOCABULARY, SearchTexts.TAGS);
        System.out.println("Indexer:  search-indexer defaults, overrides " + settings.indexerOverrides());
        System.out.printf(Locale.ROOT, "Queries:  %d kinds in turn per client, %d per page; %d s warm-up + %d s "
                        + "measured per phase%s%n", queries.kinds().size(), QueryMix.PAGE_SIZE,
                settings.warmUp().toSeconds(), settings.measured().toSeconds(),
                settings.quick() ? " (quick smoke run)" : "");
        System.out.println("```");
        System.out.println();
        System.out.println(BacklogDrain.COLUMNS + "| in-process events/s (same batch) | indexer / in-process "
                + "| index MB, indexer / in-process | blogs in index |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (int i = 0; i < drains.size(); i++) {
            Drain d = drains.get(i);
            Baseline b = baselines.get(i);
            System.out.printf(Locale.ROOT, "| %d | %d | %d %s| %.0f | %.2f | %.0f / %.0f | %s |%n", d.pollRecords(),
                    d.events(), d.meanBatch(), d.timing().cells(), b.indexing().perSecond(),
                    d.timing().perSecond() / b.indexing().perSecond(), d.files().megabytes(), b.files().megabytes(),
                    d.state().documents() == liveBlogs && b.documents() == liveBlogs ? liveBlogs + ", all"
                            : d.state().documents() + " / " + b.documents() + " of " + liveBlogs + " WRONG");
        }
        for (int i = 0; i < httpRuns.size(); i++) {
            queryTable(httpRuns.get(i), inProcessRuns.get(i));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Per kind, req/s is clients ÷ the kind's mean latency (what a loop of only "
                        + "that kind would reach); the mix row is measured. Hits: the mean of %d sample queries of the "
                        + "kind; %d of the %d samples matched different blogs over HTTP and in process.%n",
                SAMPLES_PER_KIND, disagreements().size(), samples.size());
        System.out.println();
        System.out.println("```");
        for (int i = 0; i < drains.size(); i++) {
            cpuLine("drain " + drains.get(i).pollRecords(), drains.get(i).timing().cpu(), drains.get(i).busyBefore());
            cpuLine("in-process index " + baselines.get(i).batch(), baselines.get(i).indexing().cpu(),
                    baselines.get(i).busyBefore());
        }
        for (int i = 0; i < httpRuns.size(); i++) {
            QueryRun http = httpRuns.get(i);
            QueryRun inProcess = inProcessRuns.get(i);
            cpuLine("HTTP " + http.clients() + " client(s)", http.result().cpu(), http.busyBefore());
            cpuLine("in-process " + inProcess.clients() + " client(s)", inProcess.result().cpu(),
                    inProcess.busyBefore());
        }
        System.out.println("```");
    }

    private void queryTable(QueryRun http, QueryRun inProcess) {
        System.out.println();
        System.out.printf(Locale.ROOT, "| %d client(s): query | example | hits | HTTP req/s | HTTP p50 / p99 / max ms "
                + "| in-process req/s | in-process p50 / p99 / max ms | p50 HTTP / in-process "
                + "| req/s HTTP / in-process |%n", http.clients());
        System.out.println("|---|---|---:|---:|---|---:|---|---:|---:|");
        for (String kind : queries.kinds()) {
            LoadResult.Latency web = http.result().byKind().get(kind);
            LoadResult.Latency local = inProcess.result().byKind().get(kind);
            double webPerSecond = http.clients() / (web.meanMillis() / 1e3);
            double localPerSecond = inProcess.clients() / (local.meanMillis() / 1e3);
            System.out.printf(Locale.ROOT, "| %s | `%s` | %s | %.0f | %s | %.0f | %s | %.1f | %.2f |%n", kind,
                    example(kind), sampleHits(kind), webPerSecond, latencies(web), localPerSecond, latencies(local),
                    web.millisAt(50) / local.millisAt(50), webPerSecond / localPerSecond);
        }
        LoadResult.Latency web = http.result().overall();
        LoadResult.Latency local = inProcess.result().overall();
        System.out.printf(Locale.ROOT, "| **all (the mix)** | | | %.0f | %s | %.0f | %s | %.1f | %.2f |%n",
                web.requestsPerSecond(), latencies(web), local.requestsPerSecond(), latencies(local),
                web.millisAt(50) / local.millisAt(50), web.requestsPerSecond() / local.requestsPerSecond());
    }

    private String example(String kind) {
        return samples.stream().filter(sample -> sample.kind().equals(kind)).findFirst().orElseThrow().describe();
    }

    private String sampleHits(String kind) {
        List<Hits> hits = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).kind().equals(kind)) {
                hits.add(httpHits.get(i));
            }
        }
        long mean = Math.round(hits.stream().mapToLong(Hits::total).average().orElse(0));
        return new Hits(mean, hits.stream().allMatch(Hits::exact)).toString();
    }

    private static String latencies(LoadResult.Latency latency) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.1f", latency.millisAt(50), latency.millisAt(99),
                latency.maxMillis());
    }

    private static void cpuLine(String phase, CpuSplit.Share cpu, double busyBefore) {
        System.out.printf(Locale.ROOT, "%-24s CPU in cores: %s (machine %.0f %% busy before)%n", phase + ":",
                cpu.describe(), 100 * busyBefore);
    }
}
