package dev.outbox.bench.publish;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.bench.load.ClosedLoop;
import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.testsupport.postgres.EmbeddedPostgresServer;
import dev.outbox.testsupport.process.QuarkusAppProcess;
import dev.outbox.testsupport.process.WorkDirectory;

/**
 * The publish benchmark: POST /blogs through a real blog-app, then the bare JDBC transaction it runs, against the same
 * Postgres with the same closed-loop load, and how far the first is from the second. Run from the repository root.
 */
public final class PublishBenchmark {

    /** blog-app is started by this JVM through a shell, whose arguments name the jar too. */
    private static final CpuSplit CPU = new CpuSplit("load generator",
            List.of(CpuSplit.Part.argument("blog-app", "quarkus-run.jar"),
                    CpuSplit.Part.executable("postgres", "/postgres")),
            "rest of the machine");
    private static final Path BLOG_APP_JAR = Path.of("blog-app/target/quarkus-app/quarkus-run.jar");
    private static final Path JFR_RECORDING = WorkDirectory.root().resolve("blog-app.jfr");
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
            LoadResult api;
            try (QuarkusAppProcess app = startBlogApp(database, settings)) {
                app.awaitReady(READY_DEADLINE);
                int port = app.port();
                BlogApi blogApi = new BlogApi(URI.create("http://127.0.0.1:" + port), json);
                authors = register(blogApi, settings.authors());
                report.line("# POST /blogs through blog-app on port " + port
                        + (settings.profile() ? ", recording JFR into " + JFR_RECORDING : "") + " ...");
                api = load.run("POST /blogs (outbox)", client -> blogApi.publisher(authors, drafts, client));
            }
            problems.addAll(check(database, api, 0));

            List<Long> authorIds = authors.stream().map(BlogApi.Author::id).toList();
            report.line("# raw JDBC transaction, one connection per client ...");
            LoadResult raw = load.run("raw JDBC transaction", client -> new RawPublishTransaction(database.login(),
                    authorIds, drafts, json, client));
            problems.addAll(check(database, raw, api.totalSuccesses()));

            report.line("");
            report.table(api, raw);
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> System.err.println("FAILED: " + problem));
            System.exit(1);
        }
    }

    private static QuarkusAppProcess startBlogApp(BenchDatabase database, BenchSettings settings) {
        List<String> jvmOptions = settings.profile()
                ? List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + JFR_RECORDING)
                : List.of();
        return QuarkusAppProcess.launch("blog-app", BLOG_APP_JAR, jvmOptions, Map.of(
                        "quarkus.datasource.jdbc.url", database.login().jdbcUrl(),
                        "quarkus.datasource.username", database.login().user(),
                        "quarkus.datasource.password", database.login().password(),
                        "quarkus.datasource.jdbc.max-size", Integer.toString(settings.poolSize())),
                WorkDirectory.root().resolve("blog-app.log"));
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
     * row per success, and one outbox insert and delete per blog, leaving the outbox empty.
     */
    private static List<String> check(BenchDatabase database, LoadResult result, long earlierBlogs)
            throws SQLException, InterruptedException {
        List<String> problems = new ArrayList<>();
        if (result.totalErrors() > 0) {
            problems.add(result.name() + ": " + result.totalErrors() + " errors, the first: " + result.firstError());
        }
        long expectedBlogs = earlierBlogs + result.totalSuccesses();
        long blogs = database.blogCount();
        if (blogs != expectedBlogs) {
            problems.add(result.name() + ": " + blogs + " blog rows, expected " + expectedBlogs);
        }
        BenchDatabase.OutboxTraffic outbox = database.awaitOutboxTraffic(expectedBlogs, STATISTICS_DEADLINE);
        if (outbox.inserted() != expectedBlogs || outbox.deleted() != expectedBlogs || outbox.live() != 0) {
            problems.add(result.name() + ": outbox saw " + outbox + ", expected " + expectedBlogs
                    + " inserts and deletes and no live row");
        }
        return problems;
    }
}
