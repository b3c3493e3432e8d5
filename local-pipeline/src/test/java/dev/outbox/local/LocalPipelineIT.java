package dev.outbox.local;

import dev.outbox.deploy.MonitoringQueries;
import dev.outbox.embedded.process.ChildProcess;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.WorkDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's run command ({@code ./run-local}, without its build step) as a real process: the whole pipeline
 * starts, a blog published through the API is counted and found and is one trace that all four services export, the
 * demo command converges and reports freshness, SIGTERM stops every process and frees every port, the data survives a
 * restart (on {@code --search=opensearch}: an embedded node and two search members, both finding every blog),
 * {@code --reset} empties it, a service that cannot start is named with its log and the rest stopped, and every
 * metric the alerts and the dashboard read is one the services expose.
 */
class LocalPipelineIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(120);
    private static final Duration CONVERGE_DEADLINE = Duration.ofSeconds(60);
    private static final Path REPOSITORY = Path.of("..");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PUBLISH_TRACE_ID = "5e1f0c2a9d3b4e6f8a7c1b2d3e4f5a6b";
    private static final String PUBLISH_TRACEPARENT = "00-" + PUBLISH_TRACE_ID + "-1a2b3c4d5e6f7a8b-01";

    Path data;
    List<Integer> ports;
    int blogPort;
    int searchPort;
    int openSearchPort;
    OtlpCollector traces;
    ChildProcess pipeline;
    int runs;
    final Set<String> exposedMetrics = new TreeSet<>();

    @BeforeEach
    void freshDataAndPorts() throws IOException {
        data = WorkDirectory.newInstanceDirectory("local-pipeline").resolve("data");
        // Eight different ports: separate picks may return the same one twice.
        ports = new ArrayList<>(LoopbackPorts.pick(8));
        blogPort = ports.get(3);
        searchPort = ports.get(6);
        openSearchPort = ports.get(7);
        traces = new OtlpCollector();
    }

    @AfterEach
    void stopWhateverRuns() throws Exception {
        if (pipeline != null && pipeline.isAlive()) {
            terminate();
        }
        traces.close();
    }

    @Test
    void runsThePipelineKeepsItsDataAcrossRestartsAndStopsCleanly() throws Exception {
        start();
        String user = post("/users", null, "{\"handle\":\"ada\",\"display_name\":\"Ada\"}");
        String token = field(user, "api_token");
        long author = Long.parseLong(field(user, "id"));
        post("/blogs", token, "{\"title\":\"Delegate and respond\",\"body\":\"Whatever need not be real time.\","
                + "\"tags\":[\"kafka\"]}", PUBLISH_TRACEPARENT);
        awaitTotalBlogs(author, 1);
        awaitSearchHits("respond", 1);
        // One trace across the four processes: the caller's trace id, continued by blog-app into the outbox row, by
        // the relay onto the record and by both groups around their batch, each exporting over OTLP.
        for (String service : List.of("blog-app", "cdc-relay", "analytics-consumer", "search-indexer")) {
            await(service + " exported a span of the publish's trace").atMost(CONVERGE_DEADLINE)
                    .until(() -> traces.recorded(service, PUBLISH_TRACE_ID));
        }
        // One tree, not four pieces that share an id: every span descends from blog-app's request.
        await("the publish's spans hang from blog-app's request alone").atMost(CONVERGE_DEADLINE)
                .until(() -> OtlpCollector.roots(traces.spans(PUBLISH_TRACE_ID)).stream()
                        .map(span -> span.service() + " " + span.kindName()).toList(), List.of("blog-app SERVER")::equals);
        System.out.print("The publish's trace, as the services exported it:\n" + OtlpCollector.tree(
                traces.spans(PUBLISH_TRACE_ID), List.of("http.route", "messaging.consumer.group.name", "outbox.outcome")));
        runDemo();
        runDeadLetterCommands();
        for (int port : List.of(blogPort, ports.get(4), ports.get(5), searchPort)) {
            scrapeMetrics(port);
        }

        terminate();
        assertEverythingStopped();

        // The restart on OpenSearch (./run-local --search=opensearch): an embedded node and two search members, whose
        // group of their own indexes the whole topic, the blogs of the first run included.
        start("--search=opensearch", "--opensearch-port=" + openSearchPort);
        assertThat(Files.readString(pipeline.log()))
                .contains("http://127.0.0.1:" + (searchPort + 1) + "/search?q=outbox  (two members of group")
                .contains("OpenSearch   http://127.0.0.1:" + openSearchPort);
        assertThat(field(get(blogPort, "/users/" + author), "total_blogs")).isEqualTo("1");
        post("/blogs", token, "{\"title\":\"Second\",\"body\":\"After a restart.\",\"tags\":[]}");
        awaitTotalBlogs(author, 2);
        for (int member : List.of(searchPort, searchPort + 1)) {
            awaitSearchHits(member, "respond", 1);
            awaitSearchHits(member, "restart", 1);
            scrapeMetrics(member);
        }
        terminate();
        assertMonitoringReadsOnlyExposedMetrics();

        // One more start, with --reset and blog-app's port taken: it must empty the data, then name the service that
        // cannot start and stop the rest (a pipeline start less than proving each on its own).
        Path leftOver = Files.writeString(data.resolve("left-over"), "from the runs before --reset");
        try (ServerSocket taken = new ServerSocket(blogPort, 1, InetAddress.getLoopbackAddress())) {
            launch("--reset");
            assertThat(pipeline.awaitExit(START_DEADLINE)).hasValue(1);
        }
        assertThat(leftOver).as("a file of the data folder after --reset").doesNotExist();
        assertThat(data.resolve("postgres")).as("Postgres' data, recreated empty").isDirectory();
        assertThat(Files.readString(pipeline.log())).contains("Deleting " + data + " (--reset)")
                .contains("blog-app did not start").contains("--- last lines of").contains("Stopped; data kept in");
        assertEverythingStopped();
    }

    /** The README's demo command against the running pipeline: it must converge and report freshness. */
    private void runDemo() throws IOException {
        ChildProcess demo = ChildProcess.start("demo", List.of("../run-local", "demo", "--blogs=60", "--authors=3",
                "--clients=2", "--blog-port=" + blogPort, "--search-port=" + searchPort),
                data.resolveSibling("demo.log"));
        assertThat(demo.awaitExit(START_DEADLINE)).as(ChildProcess.tail(demo.log())).hasValue(0);
        assertThat(Files.readString(demo.log()))
                .contains("published 60/60  counted 60  searchable 60")
                .contains("Counts and search index converged")
                .containsPattern("commit → total_blogs updated +p50 \\d+ ms")
                .containsPattern("commit → searchable +p50 \\d+ ms");
    }

    /** The README's dlq commands against the running pipeline: no poison was published, so nothing to replay. */
    private void runDeadLetterCommands() throws IOException {
        long began = System.nanoTime();
        ChildProcess list = ChildProcess.start("dlq-list", List.of("../run-local", "dlq", "list",
                "--kafka-port=" + ports.get(1)), data.resolveSibling("dlq-list.log"));
        assertThat(list.awaitExit(START_DEADLINE)).as(ChildProcess.tail(list.log())).hasValue(0);
        assertThat(Files.readString(list.log())).contains("DEAD LETTER", "REASON", "0 dead letters, 0 not replayed");
        ChildProcess replay = ChildProcess.start("dlq-replay", List.of("../run-local", "dlq", "replay",
                "--group=analytics", "--kafka-port=" + ports.get(1)), data.resolveSibling("dlq-replay.log"));
        assertThat(replay.awaitExit(START_DEADLINE)).as(ChildProcess.tail(replay.log())).hasValue(1);
        assertThat(Files.readString(replay.log())).contains("No dead letter of group 'analytics' matches");
        System.out.printf("dlq list and replay took %d ms%n", (System.nanoTime() - began) / 1_000_000);
    }

    /** Keeps the names of the metrics a service exposes to Prometheus, as it exposes them. */
    private void scrapeMetrics(int port) throws Exception {
        Matcher name = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(get(port, "/q/metrics"));
        while (name.find()) {
            exposedMetrics.add(name.group(1));
        }
    }

    /**
     * Every metric the alert rules and the Grafana dashboard read is exposed by a service of the pipeline (Lucene's
     * and OpenSearch's search members together): a renamed meter or a typo would leave an alert that never fires.
     */
    private void assertMonitoringReadsOnlyExposedMetrics() {
        List<String> queries = new ArrayList<>(MonitoringQueries.alertExpressions(REPOSITORY));
        queries.addAll(MonitoringQueries.dashboardExpressions(REPOSITORY));
        assertThat(queries).as("the alerts' and the dashboard's queries").hasSizeGreaterThan(20);
        Map<String, Set<String>> missing = new TreeMap<>();
        for (String query : queries) {
            Set<String> needed = new TreeSet<>(MonitoringQueries.scrapedMetricNames(query));
            needed.removeAll(exposedMetrics);
            if (!needed.isEmpty()) {
                missing.put(query, needed);
            }
        }
        assertThat(missing).as("queries reading metrics no service exposes").isEmpty();
    }

    private void start(String... options) throws IOException {
        launch(options);
        await("the pipeline ready").atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!pipeline.isAlive()) {
                throw pipeline.failure("./run-local exited", null);
            }
            return Files.readString(pipeline.log()).contains(LocalPipeline.READY_LINE);
        });
    }

    private void launch(String... options) {
        List<String> command = new ArrayList<>(List.of("env", "OUTBOX_SKIP_BUILD=1",
                "OTEL_EXPORTER_OTLP_ENDPOINT=" + traces.endpoint(), "../run-local",
                "--data=" + data, "--postgres-port=" + ports.get(0), "--kafka-port=" + ports.get(1),
                "--kafka-controller-port=" + ports.get(2), "--blog-port=" + blogPort, "--relay-port=" + ports.get(4),
                "--analytics-port=" + ports.get(5), "--search-port=" + searchPort));
        command.addAll(List.of(options));
        runs++;
        pipeline = ChildProcess.start("run-local", command, data.resolveSibling("run-local-" + runs + ".log"));
    }

    /** SIGTERM, as Ctrl-C or an orchestrator would send. */
    private void terminate() throws Exception {
        pipeline.terminate();
        assertThat(pipeline.awaitExit(STOP_DEADLINE)).as("exit status after SIGTERM").isPresent();
        assertThat(Files.readString(pipeline.log())).contains("Stopped; data kept in");
    }

    private void assertEverythingStopped() {
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
                .as("processes left behind").isEmpty();
        // And the ports next to them the pipeline derives: the second search member's, the OpenSearch transport.
        List<Integer> bound = new ArrayList<>(ports);
        bound.addAll(List.of(searchPort + 1, openSearchPort + 100));
        for (int port : bound) {
            try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(free.isBound()).isTrue();
            } catch (IOException e) {
                throw new AssertionError("port " + port + " is still bound", e);
            }
        }
    }

    private void awaitTotalBlogs(long author, int expected) {
        await("total_blogs of " + author).atMost(CONVERGE_DEADLINE)
                .until(() -> field(get(blogPort, "/users/" + author), "total_blogs").equals(Integer.toString(expected)));
    }

    private void awaitSearchHits(String word, int expected) {
        awaitSearchHits(searchPort, word, expected);
    }

    private void awaitSearchHits(int port, String word, int expected) {
        await("search on " + port + " for " + word).atMost(CONVERGE_DEADLINE)
                .until(() -> field(get(port, "/search?q=" + word), "total_hits").equals(Integer.toString(expected)));
    }

    private String post(String path, String token, String json) throws Exception {
        return post(path, token, json, null);
    }

    private String post(String path, String token, String json, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + blogPort + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body();
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** A top-level scalar of a JSON object, as text; these answers are flat enough for a pattern. */
    private static String field(String json, String name) {
        Matcher value = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(json);
        assertThat(value.find()).as("%s in %s", name, json).isTrue();
        return value.group(1);
    }
}
