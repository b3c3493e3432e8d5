package dev.outbox.local;

import dev.outbox.testsupport.kafka.EmbeddedKafkaBroker;
import dev.outbox.testsupport.opensearch.EmbeddedOpenSearch;
import dev.outbox.testsupport.postgres.EmbeddedPostgresServer;
import dev.outbox.testsupport.postgres.EmbeddedPostgresServer.Durability;
import dev.outbox.testsupport.process.ChildProcess;
import dev.outbox.testsupport.process.QuarkusAppProcess;
import dev.outbox.testsupport.process.WorkDirectory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./run-local}: Postgres (embedded binaries, logical decoding on), a KRaft Kafka broker and the four
 * services, started in dependency order with matching settings, each logging to its own file. Prints where
 * everything is once all are ready; Ctrl-C or SIGTERM stops everything, newest first. Data stays in one folder
 * across runs ({@code --reset} empties it). A part that fails or dies is named with its last log lines and the
 * rest is stopped.
 */
public final class LocalPipeline {

    static final String DATABASE = "blog";
    public static final String TOPIC = "blog.events";
    static final String DEAD_LETTER_TOPIC = "blog.events.dlq";
    /** The relay's own: outbox rows it could not turn into events. */
    static final String RELAY_DEAD_LETTER_TOPIC = "outbox.relay.dlq";
    static final String READY_LINE = "Outbox is running";
    static final String INFRA_READY_LINE = "Outbox's infrastructure is running";
    public static final int PARTITIONS = 3;
    private static final String OPENSEARCH_GROUP = "search-opensearch";
    private static final Duration READY_DEADLINE = Duration.ofMinutes(3);
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(5);

    private final LocalSettings settings;
    private final PrintStream out;
    /** Module → its current process, in start order; a crashed service is replaced by its restart. */
    private final Map<String, QuarkusAppProcess> running = new LinkedHashMap<>();
    /**
     * New for each run, printed with the addresses: POST /index/rebuild on the search indexer and the relay's
     * /dead-letters need it.
     */
    private final String operatorToken = newOperatorToken();
    /** Services stopped on purpose (stopService): not restarted until startService. */
    private final Set<String> held = new HashSet<>();
    private final Map<String, Deque<Instant>> restarts = new HashMap<>();
    private EmbeddedPostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    /** With {@code --search=opensearch} only. */
    private EmbeddedOpenSearch openSearch;
    private boolean stopped;

    public LocalPipeline(LocalSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) {
        LocalSettings settings;
        try {
            settings = LocalSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LocalPipeline pipeline = new LocalPipeline(settings, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop, "local-pipeline-stop"));
        try {
            pipeline.start();
            pipeline.printWhereEverythingIs();
            pipeline.watch();
        } catch (RuntimeException e) {
            System.err.println();
            System.err.println(e.getMessage());
        }
        pipeline.stop();
        System.exit(1);
    }

    public void start() {
        if (settings.reset()) {
            out.println("Deleting " + settings.data() + " (--reset)");
            WorkDirectory.deleteRecursively(settings.data());
        }
        WorkDirectory.publicDirectory(settings.logs());
        out.println("Data in " + settings.data() + ", logs in " + settings.logs());
        postgres = step("postgres", settings.data().resolve("postgres/postgres.log"), () ->
                new EmbeddedPostgresServer(Durability.DURABLE, settings.data().resolve("postgres"),
                        settings.postgresPort()).start());
        postgres.createDatabase(DATABASE);
        kafka = step("kafka", settings.data().resolve("kafka/broker.log"), () ->
                new EmbeddedKafkaBroker(settings.data().resolve("kafka"), settings.kafkaPort(),
                        settings.kafkaControllerPort()).start());
        createTopics();
        if (settings.search() == LocalSettings.Search.OPENSEARCH) {
            openSearch = step("opensearch", settings.data().resolve("opensearch/node.log"), () ->
                    new EmbeddedOpenSearch(settings.data().resolve("opensearch"), settings.openSearchPort(),
                            settings.openSearchPort() + 100).start());
        }
        if (settings.infraOnly()) {
            return;
        }
        // Side by side, but the relay after blog-app: its Flyway migration creates the outbox table the relay's
        // publication names.
        List<Service> services = services();
        startTogether(services.stream().filter(s -> !s.module().equals("cdc-relay")).toList());
        startTogether(services.stream().filter(s -> s.module().equals("cdc-relay")).toList());
    }

    /** Launches the services at once, then waits for each to be ready, naming the first that is not. */
    private void startTogether(List<Service> services) {
        Map<String, Long> launchedAt = new HashMap<>();
        for (Service service : services) {
            out.printf(Locale.ROOT, "  %-20s starting ...%n", service.name());
            QuarkusAppProcess launched = launch(service, settings.logs().resolve(service.name() + ".log"));
            launchedAt.put(service.name(), System.nanoTime());
            synchronized (this) {
                running.put(service.name(), launched);
            }
        }
        for (Service service : services) {
            QuarkusAppProcess app = process(service.name());
            try {
                app.awaitReady(READY_DEADLINE);
                app.assertAlive();
            } catch (RuntimeException e) {
                throw new IllegalStateException(service.name() + " did not start:\n" + e.getMessage(), e);
            }
            out.printf(Locale.ROOT, "  %-20s ready in %.1f s (log %s)%n", service.name(),
                    (System.nanoTime() - launchedAt.get(service.name())) / 1e9, app.logFile());
        }
    }

    /**
     * SIGKILLs one service, as a crash would, and starts it again on the same port with the same settings (logging
     * to a new file), as a supervisor would; returns without waiting for it. For the fault runs.
     */
    public synchronized QuarkusAppProcess killAndRestart(String module) {
        process(module).kill();
        return relaunch(module);
    }

    /** Stops one service in an orderly way (SIGTERM) and keeps it stopped until {@link #startService}. */
    public synchronized void stopService(String module) {
        held.add(module);
        process(module).stop();
    }

    /** SIGKILLs one service, as a crash would, and keeps it down until {@link #startService}. */
    public synchronized void killService(String module) {
        held.add(module);
        process(module).kill();
    }

    /** Starts a service stopped or killed on purpose; returns without waiting for it to be ready. */
    public synchronized QuarkusAppProcess startService(String module) {
        if (process(module).isAlive()) {
            throw new IllegalStateException(module + " is running");
        }
        held.remove(module);
        return relaunch(module);
    }

    /** The services running or held, in the order they started: search-indexer-2 too on OpenSearch. */
    public synchronized List<String> serviceNames() {
        return List.copyOf(running.keySet());
    }

    /** The current process of a service, e.g. to read its resident memory. */
    public synchronized QuarkusAppProcess process(String module) {
        QuarkusAppProcess process = running.get(module);
        if (process == null) {
            throw new IllegalArgumentException("No service " + module + "; there are " + running.keySet());
        }
        return process;
    }

    /** The processes of Postgres (its watchdog, the postmaster, the backends) or of Kafka, e.g. to read their memory. */
    public synchronized List<ProcessHandle> partProcesses(String part) {
        return switch (part) {
            case "postgres" -> postgres.processTree();
            case "kafka" -> kafka.processTree();
            case "opensearch" -> openSearch().processTree();
            default -> throw new IllegalArgumentException("No part " + part + "; there are postgres, kafka, opensearch");
        };
    }

    /**
     * Stops Postgres or Kafka in an orderly way (Postgres: fast shutdown, open transactions rolled back), keeps it down
     * for {@code downFor}, and starts it again on the same data. The services ride it out or exit and are restarted
     * by {@link #watch()}. For the fault runs.
     */
    public void outage(String part, Duration downFor) throws InterruptedException {
        Runnable stop;
        Runnable start;
        switch (part) {
            case "postgres" -> {
                stop = postgres::stop;
                start = postgres::start;
            }
            case "kafka" -> {
                stop = kafka::stop;
                start = kafka::start;
            }
            case "opensearch" -> {
                stop = openSearch()::stop;
                start = openSearch()::start;
            }
            default -> throw new IllegalArgumentException("No part " + part + "; there are postgres, kafka, opensearch");
        }
        synchronized (this) {
            out.printf(Locale.ROOT, "  %-20s stopping for %d s (outage)%n", part, downFor.toSeconds());
            stop.run();
            // The outage itself: the part stays down this long, whatever the services do meanwhile.
            Thread.sleep(downFor.toMillis());
            start.run();
            out.printf(Locale.ROOT, "  %-20s running again%n", part);
        }
    }

    private QuarkusAppProcess relaunch(String module) {
        Service service = services().stream().filter(s -> s.name().equals(module)).findFirst().orElseThrow();
        QuarkusAppProcess restarted = launch(service, settings.logs().resolve(
                module + "-" + System.currentTimeMillis() + ".log"));
        running.put(module, restarted);
        return restarted;
    }

    private QuarkusAppProcess launch(Service service, Path log) {
        return QuarkusAppProcess.launch(service.name(), service.jar(settings.repository()), List.of("-Xmx256m"),
                service.settings(), log, service.port());
    }

    /**
     * Blocks while the pipeline runs, restarting a service that exited (as compose's restart policy does: the relay
     * exits on purpose when its engine fails for good, e.g. Kafka stopped acknowledging). Returns when stopped; throws,
     * naming the part, when Postgres or Kafka died or a service exited {@value #MAX_RESTARTS} times within
     * {@link #RESTART_WINDOW}.
     */
    public void watch() {
        while (true) {
            try {
                Thread.sleep(WATCH_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                if (!postgres.isRunning()) {
                    throw died("postgres", postgres.logFile());
                }
                if (!kafka.isRunning()) {
                    throw died("kafka", kafka.logFile());
                }
                if (openSearch != null && !openSearch.isRunning()) {
                    throw died("opensearch", openSearch.logFile());
                }
                for (String module : List.copyOf(running.keySet())) {
                    QuarkusAppProcess app = running.get(module);
                    if (!held.contains(module) && !app.isAlive()) {
                        restartExited(module, app);
                    }
                }
            }
        }
    }

    private void restartExited(String module, QuarkusAppProcess exited) {
        Deque<Instant> recent = restarts.computeIfAbsent(module, m -> new ArrayDeque<>());
        Instant now = Instant.now();
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(RESTART_WINDOW))) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_RESTARTS) {
            exited.assertAlive();
        }
        recent.addLast(now);
        QuarkusAppProcess restarted = relaunch(module);
        out.printf(Locale.ROOT, "  %-20s exited (status %s); restarted, log %s%n", module,
                exited.exitCode().isPresent() ? Integer.toString(exited.exitCode().getAsInt()) : "?",
                restarted.logFile());
    }

    /** Newest first, so no service loses its database or broker while it still runs; the data stays. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        out.println("Stopping ...");
        List<QuarkusAppProcess> apps = new ArrayList<>(running.values());
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).stop();
        }
        if (openSearch != null) {
            openSearch.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
        out.println("Stopped; data kept in " + settings.data());
    }

    List<Service> services() {
        String jdbcUrl = postgres.jdbcUrl(DATABASE);
        Map<String, String> database = Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", postgres.username(),
                "quarkus.datasource.password", postgres.password());
        String bootstrap = kafka.bootstrapServers();
        Map<String, String> relay = with(database, Map.of("kafka.bootstrap.servers", bootstrap,
                "relay.operator-token", operatorToken));
        List<Service> services = new ArrayList<>(List.of(
                new Service("blog-app", settings.blogPort(), database),
                new Service("cdc-relay", settings.relayPort(), relay),
                // One member per group, restarted under the same instance id: it owns its partitions again at
                // once instead of waiting for its crashed session to time out.
                new Service("analytics-consumer", settings.analyticsPort(), with(database, Map.of(
                        "kafka.bootstrap.servers", bootstrap,
                        "analytics.instance-id", "analytics-1")))));
        if (settings.relays() == 2) {
            // Same slot, same settings: whichever holds the active lock streams, the other stands by.
            services.add(new Service("cdc-relay-2", "cdc-relay", settings.secondRelayPort(), relay));
        }
        services.addAll(searchIndexers(bootstrap));
        return services;
    }

    /**
     * The search members' consumer group: search-indexer's default {@code search} on Lucene,
     * {@code search-opensearch} on OpenSearch (why: {@link #searchIndexers}).
     */
    public String searchGroup() {
        return settings.search() == LocalSettings.Search.OPENSEARCH ? OPENSEARCH_GROUP : "search";
    }

    /**
     * One member on a Lucene index of its own (an index is per process), or, with {@code --search=opensearch}, two
     * members of group {@code search-opensearch} sharing the partitions and the OpenSearch node, each with its own
     * instance id.
     */
    private List<Service> searchIndexers(String bootstrap) {
        Map<String, String> common = Map.of("kafka.bootstrap.servers", bootstrap, "search.operator.token", operatorToken);
        if (openSearch == null) {
            return List.of(new Service("search-indexer", settings.searchPort(), with(common, Map.of(
                    "search.instance-id", "search-1",
                    "search.index-dir", settings.data().resolve("search-index").toString()))));
        }
        // A group of its own: group "search"'s offsets are where a Lucene index of an earlier run stopped, and an
        // OpenSearch index keeps none, so it would start there and miss every blog before.
        Map<String, String> shared = with(common, Map.of("search.backend", "opensearch",
                "search.opensearch.url", openSearch.url(), "search.group-id", OPENSEARCH_GROUP));
        return List.of(
                new Service("search-indexer", "search-indexer", settings.searchPort(),
                        with(shared, Map.of("search.instance-id", "search-1"))),
                new Service("search-indexer-2", "search-indexer", settings.searchPort() + 1,
                        with(shared, Map.of("search.instance-id", "search-2"))));
    }

    private EmbeddedOpenSearch openSearch() {
        if (openSearch == null) {
            throw new IllegalArgumentException("No part opensearch: run with --search=opensearch");
        }
        return openSearch;
    }

    private static String newOperatorToken() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    void printWhereEverythingIs() {
        if (settings.infraOnly()) {
            printWhereTheInfrastructureIs();
            return;
        }
        String blog = "http://127.0.0.1:" + settings.blogPort();
        out.printf(Locale.ROOT, """

                %s (Ctrl-C stops everything; data stays in %s, ./run-local --reset starts empty)

                  blog API     %s                Swagger UI %s/q/swagger-ui
                  search       http://127.0.0.1:%d/search?q=outbox%s
                  rebuild      curl -si -XPOST http://127.0.0.1:%d/index/rebuild -H 'authorization: Bearer %s'
                  relay        http://127.0.0.1:%d/  (status page; raw figures at /lag and /lag/groups)%s
                  dead letters ./run-local dlq list, or curl -s http://127.0.0.1:%d/dead-letters -H 'authorization: Bearer %s'
                  metrics      /q/metrics and /q/health on ports %d (blog-app), %d (cdc-relay), %d (analytics), %d (search)
                  Postgres     %s  user %s, password %s
                  Kafka        %s  topics %s, %s
                  logs         %s

                Publish a first blog:

                  TOKEN=$(curl -s -XPOST %s/users -H 'content-type: application/json' \\
                    -d '{"handle":"ada","display_name":"Ada"}' | sed -E 's/.*"api_token":"([^"]+)".*/\\1/')
                  curl -si -XPOST %s/blogs -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
                    -d '{"title":"Delegate and respond","body":"What need not be real time is not.","tags":["kafka"]}'
                  curl -s %s/users/1            # total_blogs catches up in milliseconds
                  curl -s 'http://127.0.0.1:%d/search?q=respond'

                """, READY_LINE, settings.data(), blog, blog, settings.searchPort(), searchBackendLine(),
                settings.searchPort(),
                operatorToken, settings.relayPort(), settings.relays() == 2
                        ? "\n               http://127.0.0.1:" + settings.secondRelayPort() + "/  (the second relay: one of the two"
                        + " streams, the other stands by)" : "",
                settings.relayPort(), operatorToken,
                settings.blogPort(), settings.relayPort(), settings.analyticsPort(), settings.searchPort(),
                postgres.jdbcUrl(DATABASE), postgres.username(), postgres.password(), kafka.bootstrapServers(), TOPIC,
                DEAD_LETTER_TOPIC, settings.logs(), blog, blog, blog, settings.searchPort());
        out.flush();
    }

    /** {@code --infra-only}: where Postgres and Kafka are, and how to run a service against them in dev mode. */
    private void printWhereTheInfrastructureIs() {
        out.printf(Locale.ROOT, """

                %s (Ctrl-C stops it; data stays in %s)

                  Postgres     %s  user %s, password %s
                  Kafka        %s  topics %s, %s%s

                Run a service against it with live reload, each in a terminal of its own (their %%dev settings
                point here; blog-app first: its migration creates the outbox table the relay reads):

                  ./mvnw quarkus:dev -pl blog-app -am              http://127.0.0.1:8080/q/swagger-ui
                  ./mvnw quarkus:dev -pl cdc-relay -am             http://127.0.0.1:8081/
                  ./mvnw quarkus:dev -pl analytics-consumer -am
                  ./mvnw quarkus:dev -pl search-indexer -am        http://127.0.0.1:8083/search?q=outbox

                """, INFRA_READY_LINE, settings.data(), postgres.jdbcUrl(DATABASE), postgres.username(),
                postgres.password(), kafka.bootstrapServers(), TOPIC, DEAD_LETTER_TOPIC,
                openSearch == null ? "" : String.format(Locale.ROOT, "%n  OpenSearch   %s  (search-indexer: "
                        + "SEARCH_BACKEND=opensearch SEARCH_OPENSEARCH_URL=%s)", openSearch.url(), openSearch.url()));
        out.flush();
    }

    /** With OpenSearch, where the second member and the node are; nothing for the Lucene default. */
    private String searchBackendLine() {
        if (openSearch == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%n               http://127.0.0.1:%d/search?q=outbox  (two members of group"
                + " search-opensearch, one OpenSearch index)%n  OpenSearch   %s  alias blogs (curl %s/_cat/indices)",
                settings.searchPort() + 1, openSearch.url(), openSearch.url());
    }

    /** The events topic keeps every event: a search index rebuild replays it from the start. */
    private void createTopics() {
        try (Admin admin = kafka.admin()) {
            for (NewTopic topic : List.of(
                    new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(DEAD_LETTER_TOPIC, 1, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(RELAY_DEAD_LETTER_TOPIC, 1, (short) 1).configs(Map.of("retention.ms", "-1")))) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + topic.name(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the topics", e);
        }
    }

    private interface Start<T> {
        T run();
    }

    private <T> T step(String part, Path log, Start<T> start) {
        out.printf(Locale.ROOT, "  %-20s starting ...%n", part);
        long begin = System.nanoTime();
        try {
            T started = start.run();
            out.printf(Locale.ROOT, "  %-20s ready in %.1f s (log %s)%n", part, (System.nanoTime() - begin) / 1e9,
                    log);
            return started;
        } catch (RuntimeException e) {
            throw new IllegalStateException(part + " did not start:\n" + e.getMessage(), e);
        }
    }

    private static IllegalStateException died(String part, Path log) {
        return new IllegalStateException(part + " stopped unexpectedly\n--- last lines of " + log + " ---\n"
                + ChildProcess.tail(log));
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return Map.copyOf(all);
    }
}
