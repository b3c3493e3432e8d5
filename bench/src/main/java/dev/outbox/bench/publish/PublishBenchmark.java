package dev.outbox.bench.publish;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.bench.load.ClosedLoop;
import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.embedded.process.WorkDirectory;
import dev.outbox.search.index.LuceneIndexes;
import dev.outbox.search.index.SearchIndex;

/**
 * The publish benchmark: POST /blogs through a real blog-app (the outbox), then through synchronous-blog-app (the same
 * request counting and indexing before it answers), then the bare JDBC transaction blog-app runs, against the same
 * Postgres with the same closed-loop load, and how far each is from the others. Run from the repository root.
 */
public final class PublishBenchmark {

    /**
     * A Quarkus app under test with what only it needs to be told, started by this JVM through a shell whose
     * arguments name the jar too.
     */
    private record App(String name, Path jar, Map<String, String> ownSettings) {
        CpuSplit.Part cpuPart() {
            return CpuSplit.Part.argument(name, "-jar " + jar);
        }
    }

    private static final Path SYNCHRONOUS_INDEX = WorkDirectory.root().resolve("synchronous-search-index");
    private static final App BLOG_APP = new App("blog-app", Path.of("blog-app/target/quarkus-app/quarkus-run.jar"),
            Map.of());
    private static final App SYNCHRONOUS_APP = new App("synchronous-blog-app",
            Path.of("bench/synchronous-blog-app/target/quarkus-app/quarkus-run.jar"),
            Map.of("synchronous.index-dir", SYNCHRONOUS_INDEX.toString()));
    private static final CpuSplit CPU = new CpuSplit("load generator",
            List.of(BLOG_APP.cpuPart(), SYNCHRONOUS_APP.cpuPart(), CpuSplit.Part.executable("postgres", "/postgres")),
            "rest of the machine");
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);
    private static final Duration STATISTICS_DEADLINE = Duration.ofSeconds(30);

    private PublishBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.parse(args);
        Report report = new Report(System.out);
        Json json = new Json();
        BlogDrafts drafts = BlogDrafts.generate(json);
        ClosedLoop load = new ClosedLoop(settings.clients(), settings.warmUp(), settings.measured(), CPU);
        List<String> problems = new ArrayList<>();

        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(settings.durability()).start()) {
            BenchDatabase database = new BenchDatabase(new DatabaseLogin(postgres.createDatabase("bench"),
                    postgres.username(), postgres.password()));
            report.context(settings, database.serverDescription());

            List<BlogApi.Author> authors;
            LoadResult outbox;
            try (QuarkusAppProcess app = start(BLOG_APP, database, settings)) {
                app.awaitReady(READY_DEADLINE);
                BlogApi blogApi = api(app, json);
                authors = register(blogApi, settings.authors());
                report.line("# POST /blogs through blog-app on port " + app.port() + profiling(BLOG_APP, settings)
                        + " ...");
                outbox = load.run("POST /blogs (outbox)", client -> blogApi.publisher(authors, drafts, client));
            }
            long outboxBlogs = outbox.totalSuccesses();
            problems.addAll(check(database, outbox, outboxBlogs, outboxBlogs));

            // The same authors and tokens: both apps run on blog-app's schema in this database.
            WorkDirectory.deleteRecursively(SYNCHRONOUS_INDEX);
            LoadResult synchronous;
            try (QuarkusAppProcess app = start(SYNCHRONOUS_APP, database, settings)) {
                app.awaitReady(READY_DEADLINE);
                BlogApi blogApi = api(app, json);
                report.line("# POST /blogs through synchronous-blog-app on port " + app.port()
                        + profiling(SYNCHRONOUS_APP, settings) + " ...");
                synchronous = load.run("POST /blogs (synchronous)",
                        client -> blogApi.publisher(authors, drafts, client));
            }
            long synchronousBlogs = synchronous.totalSuccesses();
            problems.addAll(check(database, synchronous, outboxBlogs + synchronousBlogs, outboxBlogs));
            problems.addAll(checkSynchronousEffects(database, synchronous));

            List<Long> authorIds = authors.stream().map(BlogApi.Author::id).toList();
            report.line("# raw JDBC transaction, one connection per client ...");
            LoadResult raw = load.run("raw JDBC transaction", client -> new RawPublishTransaction(database.login(),
                    authorIds, drafts, json, client));
            problems.addAll(check(database, raw, outboxBlogs + synchronousBlogs + raw.totalSuccesses(),
                    outboxBlogs + raw.totalSuccesses()));

            report.line("");
            report.table(outbox, synchronous, raw);
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> System.err.println("FAILED: " + problem));
            System.exit(1);
        }
    }

    /** Both apps alike: the same JVM options, database and pool, so the comparison is between designs. */
    private static QuarkusAppProcess start(App app, BenchDatabase database, BenchSettings settings) {
        List<String> jvmOptions = settings.profile()
                ? List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording(app))
                : List.of();
        Map<String, String> systemProperties = new HashMap<>(Map.of(
                "quarkus.datasource.jdbc.url", database.login().jdbcUrl(),
                "quarkus.datasource.username", database.login().user(),
                "quarkus.datasource.password", database.login().password(),
                "quarkus.datasource.jdbc.max-size", Integer.toString(settings.poolSize())));
        systemProperties.putAll(app.ownSettings());
        return QuarkusAppProcess.launch(app.name(), app.jar(), jvmOptions, systemProperties,
                WorkDirectory.root().resolve(app.name() + ".log"));
    }

    private static BlogApi api(QuarkusAppProcess app, Json json) {
        return new BlogApi(URI.create("http://127.0.0.1:" + app.port()), json);
    }

    private static Path recording(App app) {
        return WorkDirectory.root().resolve(app.name() + ".jfr");
    }

    private static String profiling(App app, BenchSettings settings) {
        return settings.profile() ? ", recording JFR into " + recording(app) : "";
    }

    private static List<BlogApi.Author> register(BlogApi api, int count) throws IOException, InterruptedException {
        List<BlogApi.Author> authors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            authors.add(api.register("bench_author_" + i));
        }
        return authors;
    }

    /**
     * A phase is only worth its figures if it had no errors and the database holds exactly what it claims: one blog
     * row per success so far, and one outbox insert and delete per event so far, leaving the outbox empty.
     */
    private static List<String> check(BenchDatabase database, LoadResult result, long expectedBlogs,
                                      long expectedEvents) throws SQLException, InterruptedException {
        List<String> problems = new ArrayList<>();
        if (result.totalErrors() > 0) {
            problems.add(result.name() + ": " + result.totalErrors() + " errors, the first: " + result.firstError());
        }
        long blogs = database.blogCount();
        if (blogs != expectedBlogs) {
            problems.add(result.name() + ": " + blogs + " blog rows, expected " + expectedBlogs);
        }
        BenchDatabase.OutboxTraffic outbox = database.awaitOutboxTraffic(expectedEvents, STATISTICS_DEADLINE);
        if (outbox.inserted() != expectedEvents || outbox.deleted() != expectedEvents || outbox.live() != 0) {
            problems.add(result.name() + ": outbox saw " + outbox + ", expected " + expectedEvents
                    + " inserts and deletes and no live row");
        }
        return problems;
    }

    /**
     * The synchronous phase must have done before each 201 what the consumers do later: every blog it published is
     * counted in {@code total_blogs} (nothing else counts in this run) and is a live document of its index.
     */
    private static List<String> checkSynchronousEffects(BenchDatabase database, LoadResult synchronous)
            throws SQLException, IOException {
        List<String> problems = new ArrayList<>();
        long counted = database.totalBlogsCounted();
        if (counted != synchronous.totalSuccesses()) {
            problems.add(synchronous.name() + ": total_blogs sums to " + counted + ", expected "
                    + synchronous.totalSuccesses());
        }
        long indexed;
        try (SearchIndex index = new LuceneIndexes(SYNCHRONOUS_INDEX).openLive()) {
            indexed = index.documents();
        }
        if (indexed != synchronous.totalSuccesses()) {
            problems.add(synchronous.name() + ": the search index holds " + indexed + " blogs, expected "
                    + synchronous.totalSuccesses());
        }
        return problems;
    }
}
