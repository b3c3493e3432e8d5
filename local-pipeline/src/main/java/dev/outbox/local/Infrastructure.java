package dev.outbox.local;

import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.opensearch.EmbeddedOpenSearch;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer.Durability;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;
import dev.outbox.embedded.process.ChildProcess;

import org.apache.kafka.clients.admin.Admin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the services run on: Postgres (embedded binaries, logical decoding on), a KRaft Kafka broker with the
 * pipeline's topics and, with {@code --search=opensearch}, an OpenSearch node, each in a process of its own with its
 * data under {@code --data}.
 */
final class Infrastructure {

    static final String DATABASE = "blog";

    private final LocalSettings settings;
    private final PrintStream out;
    private EmbeddedPostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    /** With {@code --search=opensearch} only. */
    private EmbeddedOpenSearch openSearch;

    Infrastructure(LocalSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    void start() {
        postgres = step("postgres", settings.data().resolve("postgres/postgres.log"), () ->
                new EmbeddedPostgresServer(Durability.DURABLE, settings.data().resolve("postgres"),
                        settings.postgresPort()).start());
        postgres.createDatabase(DATABASE);
        kafka = step("kafka", settings.data().resolve("kafka/broker.log"), () ->
                new EmbeddedKafkaBroker(settings.data().resolve("kafka"), settings.kafkaPort(),
                        settings.kafkaControllerPort()).start());
        try (Admin admin = kafka.admin()) {
            Topics.create(admin);
        }
        if (settings.search() == LocalSettings.Search.OPENSEARCH) {
            openSearch = step("opensearch", settings.data().resolve("opensearch/node.log"), () ->
                    new EmbeddedOpenSearch(settings.data().resolve("opensearch"), settings.openSearchPort(),
                            settings.openSearchPort() + 100).start());
        }
    }

    /** Throws, naming the part and its last log lines, when one of them is no longer running. */
    void assertRunning() {
        if (!postgres.isRunning()) {
            throw died("postgres", postgres.logFile());
        }
        if (!kafka.isRunning()) {
            throw died("kafka", kafka.logFile());
        }
        if (openSearch != null && !openSearch.isRunning()) {
            throw died("opensearch", openSearch.logFile());
        }
    }

    /**
     * Stops one part in an orderly way (Postgres: fast shutdown, open transactions rolled back), keeps it down for
     * {@code downFor}, and starts it again on the same data.
     */
    void outage(String part, Duration downFor) throws InterruptedException {
        switch (part) {
            case "postgres" -> postgres.stop();
            case "kafka" -> kafka.stop();
            case "opensearch" -> openSearch().stop();
            default -> throw noSuchPart(part);
        }
        out.printf(Locale.ROOT, "  %-20s stopped for %d s (outage)%n", part, downFor.toSeconds());
        // The outage itself: the part stays down this long, whatever the services do meanwhile.
        Thread.sleep(downFor.toMillis());
        switch (part) {
            case "postgres" -> postgres.start();
            case "kafka" -> kafka.start();
            default -> openSearch().start();
        }
        out.printf(Locale.ROOT, "  %-20s running again%n", part);
    }

    /** The processes of one part (Postgres: its watchdog, the postmaster, the backends), e.g. to read their memory. */
    List<ProcessHandle> processes(String part) {
        return switch (part) {
            case "postgres" -> postgres.processTree();
            case "kafka" -> kafka.processTree();
            case "opensearch" -> openSearch().processTree();
            default -> throw noSuchPart(part);
        };
    }

    /** Newest first; the data stays. */
    void stop() {
        if (openSearch != null) {
            openSearch.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    EmbeddedPostgresServer postgres() {
        return postgres;
    }

    EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    Optional<EmbeddedOpenSearch> openSearchNode() {
        return Optional.ofNullable(openSearch);
    }

    private EmbeddedOpenSearch openSearch() {
        if (openSearch == null) {
            throw new IllegalArgumentException("No part opensearch: run with --search=opensearch");
        }
        return openSearch;
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

    private static IllegalArgumentException noSuchPart(String part) {
        return new IllegalArgumentException("No part " + part + "; there are postgres, kafka, opensearch");
    }

    private static IllegalStateException died(String part, Path log) {
        return new IllegalStateException(part + " stopped unexpectedly\n--- last lines of " + log + " ---\n"
                + ChildProcess.tail(log));
    }
}
