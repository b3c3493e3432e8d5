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
import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.opensearch.EmbeddedOpenSearch;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.embedded.process.WorkDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The search-indexer benchmark: how fast the packaged indexer drains a backlog of blog events into its index, on Lucene
 * and on OpenSearch with one or more members in a group, and how fast {@code GET /search} then answers a mix of
 * queries on each backend, next to the indexer's own Lucene index code run in this JVM without Kafka, Quarkus or
 * HTTP. Run from the repository root (bench/search.sh).
 */
public final class SearchBenchmark {

    private static final String TOPIC = "blog.events";
    private static final String DEAD_LETTER_TOPIC = "blog.events.dlq";
    private static final int PARTITIONS = 3;
    /** search.sh copies the packaged app here, so a rebuild of the module cannot change it under a running run. */
    private static final Path JAR = Path.of("bench/target/search-indexer-app/quarkus-run.jar");
    private static final long TEXT_SEED = 5;
    private static final int SAMPLES_PER_KIND = 5;

    /** {@code batches}: Lucene commits, or bulk requests to OpenSearch; each batch the indexer applies is one. */
    record Drain(DrainSetup setup, int events, BacklogDrain.Timing timing, long batches, long indexBytes,
                 SearchApi.IndexState state, double busyBefore) {

        int meanBatch() {
            return (int) Math.round(events / (double) Math.max(1, batches));
        }

        /** Every live blog indexed, and with Lucene, the offsets recorded in the index at the topic's end. */
        boolean holdsAll(long liveBlogs) {
            return state.documents() == liveBlogs
                    && (state.nextOffsets().isEmpty() || state.nextOffsets().getAsLong() == events);
        }
    }

    record Baseline(int batch, InProcessIndex.Indexing indexing, IndexFiles files, long documents, double busyBefore) {
    }

    record QueryRun(int clients, LoadResult result, double busyBefore) {
    }

    /** A latency and the rate that goes with it, for one cell pair of a query table. */
    private record Measured(LoadResult.Latency latency, double perSecond) {
    }

    private final SearchSettings settings;
    private final Path root = WorkDirectory.root();
    /** The OpenSearch node's JVM once started; its arguments, like the broker's (long classpaths), are unreadable. */
    private final List<ProcessHandle> openSearchProcesses = new CopyOnWriteArrayList<>();
    /** The broker is whichever java is left. */
    private final CpuSplit cpu = new CpuSplit("bench", List.of(
            CpuSplit.Part.argument("indexer", "quarkus-run.jar"),
            CpuSplit.Part.among("opensearch", openSearchProcesses),
            CpuSplit.Part.executable("kafka", "/java")), "rest");
    private final SearchTexts texts = new SearchTexts(TEXT_SEED);
    private final QueryMix queries;
    private final List<QueryMix.Query> samples;
    private final List<BlogEventStream.Event> backlog;
    private final long liveBlogs;
    private final List<Drain> drains = new ArrayList<>();
    /** By max.poll.records: the in-process index applies the batch size the first drain with it had. */
    private final Map<Integer, Baseline> baselines = new LinkedHashMap<>();
    /** Served by each backend's last drain, in the order of --backends. */
    private final Map<Backend, List<QueryRun>> httpRuns = new LinkedHashMap<>();
    private final Map<Backend, List<Hits>> httpHits = new LinkedHashMap<>();
    private final List<QueryRun> inProcessRuns = new ArrayList<>();
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
        // One node for the whole run, each drain on an alias of its own; null (nothing to close) without OpenSearch.
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start();
             GroupLag lag = new GroupLag(kafka.bootstrapServers(), TOPIC, PARTITIONS);
             EventProducer producer = new EventProducer(kafka.bootstrapServers(), TOPIC, texts);
             EmbeddedOpenSearch openSearch = settings.backends().contains(Backend.OPENSEARCH) ? startOpenSearch()
                     : null) {
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
            List<DrainSetup> setups = settings.drainSetups();
            for (int i = 0; i < setups.size(); i++) {
                DrainSetup setup = setups.get(i);
                boolean lastOfBackend = setups.subList(i + 1, setups.size()).stream()
                        .noneMatch(later -> later.backend() == setup.backend());
                drains.add(drain(lag, openSearch, indexerProperties, setup, lastOfBackend));
            }
        }

        // Kafka and OpenSearch have stopped: the in-process phases have the machine to themselves.
        List<InProcessIndex.EncodedEvent> encoded = InProcessIndex.encode(backlog, texts);
        meanPayloadBytes = encoded.stream().mapToInt(event -> event.payload().length).average().orElse(0);
        Map<Integer, Integer> batchByPollRecords = new LinkedHashMap<>();
        drains.forEach(d -> batchByPollRecords.putIfAbsent(d.setup().pollRecords(), d.meanBatch()));
        int left = batchByPollRecords.size();
        for (Map.Entry<Integer, Integer> pollRecords : batchByPollRecords.entrySet()) {
            int batch = pollRecords.getValue();
            try (InProcessIndex index = InProcessIndex.create(root.resolve("search-index-in-process-" + batch))) {
                System.out.printf(Locale.ROOT, "# in-process: the indexer's code in batches of %d ...%n", batch);
                double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
                InProcessIndex.Indexing indexing = index.apply(encoded, batch, cpu);
                baselines.put(pollRecords.getKey(), new Baseline(batch, indexing, IndexFiles.of(index.directory()),
                        index.documents(), busyBefore));
                if (--left == 0) {
                    inProcessHits = index.hits(samples);
                    for (int clients : settings.clients()) {
                        inProcessRuns.add(queryLoad("in-process", clients,
                                client -> index.client(queries.forClient(client))));
                    }
                }
            }
        }
    }

    private EmbeddedOpenSearch startOpenSearch() {
        System.out.println("# starting an OpenSearch node ...");
        EmbeddedOpenSearch node = new EmbeddedOpenSearch().start();
        openSearchProcesses.addAll(node.processTree());
        return node;
    }

    /**
     * A fresh index and group on the whole backlog, with all the drain's members launched together; done when the
     * group's committed offsets reach the topic's end (each member commits only what is in the index). If
     * {@code servesQueries}, its members then serve the backend's HTTP query phases, the clients spread over them.
     */
    private Drain drain(GroupLag lag, EmbeddedOpenSearch openSearch, Map<String, String> indexerProperties,
                        DrainSetup setup, boolean servesQueries) throws Exception {
        System.out.printf(Locale.ROOT, "# draining the backlog into %s with %d member(s), max.poll.records=%d ...%n",
                setup.backend().label(), setup.members(), setup.pollRecords());
        String group = "search-drain-" + setup.id();
        Map<String, String> properties = new LinkedHashMap<>(indexerProperties);
        properties.put("search.group-id", group);
        properties.put("search.consumer.max.poll.records", Integer.toString(setup.pollRecords()));
        properties.put("search.backend", setup.backend().label());
        switch (setup.backend()) {
            case LUCENE -> {
                WorkDirectory.deleteRecursively(luceneDirectory(setup));
                properties.put("search.index-dir", luceneDirectory(setup).toString());
            }
            case OPENSEARCH -> {
                properties.put("search.opensearch.url", openSearch.url());
                properties.put("search.opensearch.alias", setup.id());
            }
        }
        double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
        BacklogDrain drain = BacklogDrain.launching(cpu);
        List<QuarkusAppProcess> members = new ArrayList<>();
        try {
            for (int member = 1; member <= setup.members(); member++) {
                String name = "search-drain-" + setup.id() + "-" + member;
                List<String> jvmOptions = settings.profile() ? List.of("-XX:StartFlightRecording=settings=profile,"
                        + "dumponexit=true,filename=" + root.resolve(name + ".jfr")) : List.of();
                members.add(QuarkusAppProcess.launch("search-indexer", JAR, jvmOptions, properties,
                        root.resolve(name + ".log")));
            }
            BacklogDrain.Timing timing = drain.awaitLagZero(members, lag, group);
            List<SearchApi> apis = members.stream().map(member -> new SearchApi(member.port())).toList();
            Drain drained = switch (setup.backend()) {
                case LUCENE -> {
                    IndexFiles files = IndexFiles.of(luceneDirectory(setup));
                    yield new Drain(setup, backlog.size(), timing, files.commits(), files.bytes(), apis.get(0).index(),
                            busyBefore);
                }
                case OPENSEARCH -> {
                    long bulkRequests = 0;
                    for (SearchApi api : apis) {
                        bulkRequests += api.bulkRequests();
                    }
                    yield new Drain(setup, backlog.size(), timing, bulkRequests,
                            new OpenSearchAlias(openSearch.url(), setup.id()).storeBytes(), apis.get(0).index(),
                            busyBefore);
                }
            };
            if (servesQueries) {
                httpHits.put(setup.backend(), apis.get(0).hits(samples));
                List<QueryRun> runs = new ArrayList<>();
                for (int clients : settings.clients()) {
                    runs.add(queryLoad(setup.backend().label(), clients,
                            client -> apis.get(client % apis.size()).client(queries.forClient(client))));
                }
                httpRuns.put(setup.backend(), runs);
            }
            return drained;
        } finally {
            members.forEach(QuarkusAppProcess::close);
        }
    }

    private Path luceneDirectory(DrainSetup setup) {
        return root.resolve("search-index-drain-" + setup.id());
    }

    private QueryRun queryLoad(String path, int clients, LoadClient.Factory clientFor) throws InterruptedException {
        System.out.printf(Locale.ROOT, "# %s queries, %d client(s): %d s warm-up, %d s measured ...%n", path, clients,
                settings.warmUp().toSeconds(), settings.measured().toSeconds());
        double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
        LoadResult result = new ClosedLoop(clients, settings.warmUp(), settings.measured(), cpu)
                .run(path + " " + clients, clientFor);
        return new QueryRun(clients, result, busyBefore);
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Drain d : drains) {
            if (!d.holdsAll(liveBlogs)) {
                problems.add("drain " + d.setup().describe() + ": GET /index shows " + d.state().documents()
                        + " blogs" + (d.state().nextOffsets().isPresent() ? " up to offset sum "
                        + d.state().nextOffsets().getAsLong() + ", expected " + liveBlogs + " blogs up to "
                        + d.events() : ", expected " + liveBlogs));
            }
        }
        for (Baseline b : baselines.values()) {
            if (b.documents() != liveBlogs) {
                problems.add("in-process " + b.batch() + ": " + b.documents() + " blogs, expected " + liveBlogs);
            }
        }
        List<QueryRun> runs = new ArrayList<>();
        httpRuns.values().forEach(runs::addAll);
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

    /** The sample queries whose hits differ between a backend's index and the in-process one. */
    private List<String> disagreements() {
        List<String> disagreements = new ArrayList<>();
        httpHits.forEach((backend, hits) -> {
            for (int i = 0; i < samples.size(); i++) {
                if (!hits.get(i).consistentWith(inProcessHits.get(i))) {
                    disagreements.add("'" + samples.get(i).describe() + "' matched " + hits.get(i) + " blogs on "
                            + backend.label() + " but " + inProcessHits.get(i) + " in process");
                }
            }
        });
        return disagreements;
    }

    private void report() {
        System.out.println();
        System.out.println("```");
        Machine.printHeader(System.out, "default flags, same for the indexer and the bench");
        System.out.println("Kafka:    embedded single KRaft broker, topic " + TOPIC + " with " + PARTITIONS
                + " partitions, RF 1; producer " + EventProducer.SETTINGS);
        if (settings.backends().contains(Backend.OPENSEARCH)) {
            System.out.println("Search:   embedded single OpenSearch node (" + String.join(" ",
                    EmbeddedOpenSearch.JVM_OPTIONS) + "), a fresh alias per drain");
        }
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
        System.out.println("| backend, members " + BacklogDrain.COLUMNS
                + "| in-process events/s (same max.poll.records) | indexer / in-process | events/s / lucene's "
                + "| events/s / 1 member's | index MB, indexer / in-process | blogs in index |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (Drain d : drains) {
            Baseline b = baselines.get(d.setup().pollRecords());
            System.out.printf(Locale.ROOT, "| %s, %d | %d | %d | %d %s| %.0f | %.2f | %s | %s | %.0f / %.0f | %s |%n",
                    d.setup().backend().label(), d.setup().members(), d.setup().pollRecords(), d.events(),
                    d.meanBatch(), d.timing().cells(), b.indexing().perSecond(),
                    d.timing().perSecond() / b.indexing().perSecond(),
                    d.setup().backend() == Backend.LUCENE ? "" : rateOver(d, Backend.LUCENE, 1),
                    d.setup().members() == 1 ? "" : rateOver(d, d.setup().backend(), 1),
                    d.indexBytes() / (1024.0 * 1024), b.files().megabytes(),
                    d.holdsAll(liveBlogs) && b.documents() == liveBlogs ? liveBlogs + ", all"
                            : d.state().documents() + " / " + b.documents() + " of " + liveBlogs + " WRONG");
        }
        for (int i = 0; i < inProcessRuns.size(); i++) {
            queryTable(i);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Per kind, req/s is clients ÷ the kind's mean latency (what a loop of only "
                        + "that kind would reach); the mix row is measured. Queries on a backend go to its last "
                        + "drain's members, the clients spread over them. Hits: the mean of %d sample queries of the "
                        + "kind on %s; %d of the %d samples × %d backend(s) matched different blogs than in "
                        + "process.%n",
                SAMPLES_PER_KIND, httpHits.keySet().iterator().next().label(), disagreements().size(), samples.size(),
                httpHits.size());
        System.out.println();
        System.out.println("```");
        for (Drain d : drains) {
            cpuLine("drain " + d.setup().describe(), d.timing().cpu(), d.busyBefore());
        }
        for (Baseline b : baselines.values()) {
            cpuLine("in-process index " + b.batch(), b.indexing().cpu(), b.busyBefore());
        }
        httpRuns.forEach((backend, runs) -> runs.forEach(run ->
                cpuLine(backend.label() + " " + run.clients() + " client(s)", run.result().cpu(), run.busyBefore())));
        inProcessRuns.forEach(run ->
                cpuLine("in-process " + run.clients() + " client(s)", run.result().cpu(), run.busyBefore()));
        System.out.println("```");
    }

    /** The drain's rate over that of the drain on {@code backend} with {@code members} and the same poll size. */
    private String rateOver(Drain d, Backend backend, int members) {
        Optional<Drain> other = drains.stream().filter(o -> o.setup().equals(
                new DrainSetup(backend, members, d.setup().pollRecords()))).findFirst();
        return other.map(o -> String.format(Locale.ROOT, "%.2f", d.timing().perSecond() / o.timing().perSecond()))
                .orElse("");
    }

    /**
     * Run {@code run} of every backend and in process, one row per kind: each backend's rate and latencies, then
     * in-process, then each backend over in-process and, with both, OpenSearch's p50 and p99 over Lucene's.
     */
    private void queryTable(int run) {
        List<Backend> backends = List.copyOf(httpRuns.keySet());
        boolean both = backends.size() == 2;
        QueryRun inProcess = inProcessRuns.get(run);
        StringBuilder header = new StringBuilder("| " + inProcess.clients() + " client(s): query | example | hits ");
        StringBuilder ratios = new StringBuilder();
        for (Backend backend : backends) {
            header.append("| ").append(backend.label()).append(" req/s | ").append(backend.label())
                    .append(" p50 / p99 / max ms ");
            ratios.append("| p50 ").append(backend.label()).append(" / in-process | req/s ").append(backend.label())
                    .append(" / in-process ");
        }
        header.append("| in-process req/s | in-process p50 / p99 / max ms ").append(ratios)
                .append(both ? "| p50 opensearch / lucene | p99 opensearch / lucene " : "").append('|');
        System.out.println();
        System.out.println(header);
        System.out.println("|---|---|---:" + "|---:|---".repeat(backends.size() + 1)
                + "|---:|---:".repeat(backends.size()) + (both ? "|---:|---:" : "") + "|");
        for (String kind : queries.kinds()) {
            queryRow(run, kind, "`" + example(kind) + "`", sampleHits(kind), result -> {
                LoadResult.Latency latency = result.result().byKind().get(kind);
                return new Measured(latency, result.clients() / (latency.meanMillis() / 1e3));
            });
        }
        queryRow(run, "**all (the mix)**", "", "",
                result -> new Measured(result.result().overall(), result.result().overall().requestsPerSecond()));
    }

    private void queryRow(int run, String label, String example, String hits, Function<QueryRun, Measured> measure) {
        List<Measured> served = httpRuns.values().stream().map(runs -> measure.apply(runs.get(run))).toList();
        Measured local = measure.apply(inProcessRuns.get(run));
        StringBuilder row = new StringBuilder("| " + label + " | " + example + " | " + hits + " ");
        StringBuilder ratios = new StringBuilder();
        for (Measured backend : served) {
            row.append(String.format(Locale.ROOT, "| %.0f | %s ", backend.perSecond(), latencies(backend.latency())));
            ratios.append(String.format(Locale.ROOT, "| %.1f | %.2f ",
                    backend.latency().millisAt(50) / local.latency().millisAt(50),
                    backend.perSecond() / local.perSecond()));
        }
        row.append(String.format(Locale.ROOT, "| %.0f | %s ", local.perSecond(), latencies(local.latency())))
                .append(ratios);
        if (served.size() == 2) {
            LoadResult.Latency lucene = measure.apply(httpRuns.get(Backend.LUCENE).get(run)).latency();
            LoadResult.Latency openSearch = measure.apply(httpRuns.get(Backend.OPENSEARCH).get(run)).latency();
            row.append(String.format(Locale.ROOT, "| %.1f | %.1f ", openSearch.millisAt(50) / lucene.millisAt(50),
                    openSearch.millisAt(99) / lucene.millisAt(99)));
        }
        System.out.println(row.append('|'));
    }

    private String example(String kind) {
        return samples.stream().filter(sample -> sample.kind().equals(kind)).findFirst().orElseThrow().describe();
    }

    /** The hits of the first backend queried; the others' must be consistent with the same in-process answers. */
    private String sampleHits(String kind) {
        List<Hits> answered = httpHits.values().iterator().next();
        List<Hits> hits = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).kind().equals(kind)) {
                hits.add(answered.get(i));
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
        System.out.printf(Locale.ROOT, "%-28s CPU in cores: %s (machine %.0f %% busy before)%n", phase + ":",
                cpu.describe(), 100 * busyBefore);
    }
}
