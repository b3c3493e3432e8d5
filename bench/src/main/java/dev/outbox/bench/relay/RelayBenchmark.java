package dev.outbox.bench.relay;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.bench.machine.Machine;
import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.postgres.BlogAppSchema;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.embedded.process.WorkDirectory;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The relay benchmark: commit-to-consumer latency at steady outbox rates through the packaged cdc-relay, then how fast
 * it drains a backlog, warm and as a new JVM, next to the ceiling of bare logical decoding of the same WAL. Run from
 * the repository root.
 */
public final class RelayBenchmark {

    private static final String TOPIC = "blog.events";
    private static final int PARTITIONS = 3;
    /** The broker is the one other JVM: its arguments (a long classpath) are not reliably readable from here. */
    private static final String RELAY = "relay";
    static final CpuSplit CPU = new CpuSplit("bench", List.of(CpuSplit.Part.argument(RELAY, "quarkus-run.jar"),
            CpuSplit.Part.executable("postgres", "/postgres"), CpuSplit.Part.executable("kafka", "/java")), "rest");
    private static final Path JAR = Path.of("cdc-relay/target/quarkus-app/quarkus-run.jar");
    private static final Duration READY_DEADLINE = Duration.ofSeconds(120);
    private static final Duration ARRIVAL_DEADLINE = Duration.ofMinutes(10);
    /** The paused relay holds its replication connection meanwhile: wait for a quiet machine, but not for minutes. */
    private static final Duration WARM_IDLE_PATIENCE = Duration.ofSeconds(30);
    /** What cdc-relay sets when not overridden (EngineProperties, RelayEngine), shown beside the figures. */
    private static final Map<String, String> RELAY_DEFAULTS = Map.of(
            "relay.debezium.max.batch.size", "2048",
            "relay.debezium.max.queue.size", "4096",
            "relay.debezium.poll.interval.ms", "10",
            "relay.producer.linger.ms", "5",
            "relay.producer.compression.type", "lz4",
            "relay.producer.batch.size", "262144",
            "relay.debezium.skipped.operations", "d,t");
    /** Pairs System.nanoTime() with the wall clock, to compare commit times with the broker's append times. */
    private static final long EPOCH_MILLIS_AT_BASE = System.currentTimeMillis();
    private static final long NANOS_AT_BASE = System.nanoTime();

    private RelayBenchmark() {
    }

    record Steady(int rate, double achieved, int events, long missing, Histogram endToEndMicros,
                  Histogram toBrokerMillis, CpuSplit.Share cpu, double busyBefore) {
    }

    /** A backlog drained by the steady phases' relay, paused while the backlog was written: no start, a warm JIT. */
    record WarmDrain(int events, double relayPerSecond, long missing, CpuSplit.Share cpu, double busyBefore) {

        double relayMicrosPerEvent() {
            return cpu.cpuSeconds(RELAY) * 1e6 / events;
        }
    }

    record Drain(int events, double writtenPerSecond, double relayPerSecond, double relayFromLaunchSeconds,
                 double firstEventAfterLaunchSeconds, long missing, CpuSplit.Share relayCpu, double relayBusyBefore,
                 double ceilingPerSecond, CpuSplit.Share ceilingCpu, double ceilingBusyBefore) {

        /** From the launch: the JVM's start and JIT included. */
        double relayMicrosPerEvent() {
            return relayCpu.cpuSeconds(RELAY) * 1e6 / events;
        }
    }

    public static void main(String[] args) throws Exception {
        RelaySettings settings = RelaySettings.parse(args);
        Path root = WorkDirectory.root();
        Files.createDirectories(root);
        List<Steady> steady = new ArrayList<>();
        WarmDrain warm;
        Drain drain;
        String database;
        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(settings.durability()).start();
             EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start()) {
            String jdbcUrl = postgres.createDatabase("relay_bench");
            try (Connection connection = postgres.connect("relay_bench"); Statement statement = connection.createStatement()) {
                BlogAppSchema.apply(connection, Path.of(""));
                database = describeDatabase(statement, postgres);
            }
            createTopic(kafka);
            Map<String, String> relayProperties = new LinkedHashMap<>(Map.of(
                    "quarkus.datasource.jdbc.url", jdbcUrl,
                    "quarkus.datasource.username", postgres.username(),
                    "quarkus.datasource.password", postgres.password(),
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    // The warm drain pauses the relay for longer than the 10 s lease: Postgres would end the lock
                    // session, and the relay would exit as a paused active relay must (docs/relay.md).
                    "relay.lock-lease", "10m"));
            OtlpSink collector = settings.tracing() == RelaySettings.Tracing.ON ? new OtlpSink() : null;
            if (collector != null) {
                relayProperties.put("outbox.tracing.otlp-endpoint", collector.endpoint());
            }
            relayProperties.putAll(settings.relayOverrides());
            DatabaseLogin login = new DatabaseLogin(jdbcUrl, postgres.username(), postgres.password());
            OutboxLoad load = new OutboxLoad(login, settings.tracing() != RelaySettings.Tracing.NONE);

            try (KafkaTap tap = new KafkaTap(kafka.bootstrapServers(), TOPIC, PARTITIONS)) {
                try (QuarkusAppProcess relay = QuarkusAppProcess.launch("cdc-relay", JAR,
                        settings.relayJvmOptions(root.resolve("relay-steady.jfr")), relayProperties,
                        root.resolve("relay-steady.log"))) {
                    relay.awaitReady(READY_DEADLINE);
                    for (int rate : settings.rates()) {
                        System.out.printf(Locale.ROOT, "# steady rate %d/s: %d s warm-up, %d s measured ...%n", rate,
                                settings.warmUp().toSeconds(), settings.measured().toSeconds());
                        steady.add(steadyRate(settings, load, tap, rate));
                        relay.assertAlive();
                    }
                    warm = drainWarm(settings, load, tap, relay, () -> postgres.connect("relay_bench"));
                    relay.assertAlive();
                }
                drain = drainBacklog(settings, load, tap, relayProperties, root,
                        new DecodingCeiling(login),
                        () -> postgres.connect("relay_bench"));
                if (tap.duplicates() > 0) {
                    System.out.println("# note: " + tap.duplicates() + " events arrived more than once");
                }
            } finally {
                if (collector != null) {
                    System.out.println("# trace collector: " + collector.describe());
                    collector.close();
                }
            }
        }
        report(settings, database, steady, warm, drain);
        boolean complete = steady.stream().allMatch(s -> s.missing() == 0) && warm.missing() == 0
                && drain.missing() == 0;
        if (!complete) {
            System.err.println("FAILED: events did not arrive in Kafka within " + ARRIVAL_DEADLINE);
            System.exit(1);
        }
    }

    private static Steady steadyRate(RelaySettings settings, OutboxLoad load, KafkaTap tap, int rate)
            throws Exception {
        double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
        AtomicReference<List<OutboxWriter.Written>> written = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        Thread writers = new Thread(() -> {
            try {
                written.set(load.paced(settings.writers(), rate, settings.warmUp().plus(settings.measured())));
            } catch (Exception e) {
                failure.set(e);
            }
        }, "steady-load");
        writers.start();
        long measuredFrom = start + settings.warmUp().toNanos();
        long measuredUntil = measuredFrom + settings.measured().toNanos();
        TimeUnit.NANOSECONDS.sleep(measuredFrom - System.nanoTime());
        CpuSplit.Snapshot cpuStart = CPU.snapshot();
        TimeUnit.NANOSECONDS.sleep(measuredUntil - System.nanoTime());
        CpuSplit.Snapshot cpuEnd = CPU.snapshot();
        writers.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        List<OutboxWriter.Written> measured = written.get().stream()
                .filter(w -> w.commitNanos() >= measuredFrom && w.commitNanos() < measuredUntil).toList();
        long missing = tap.await(KafkaTap.ids(written.get()), ARRIVAL_DEADLINE);
        Histogram endToEnd = new Histogram(3);
        Histogram toBroker = new Histogram(3);
        for (OutboxWriter.Written event : measured) {
            KafkaTap.Arrival arrival = tap.arrival(event.id());
            if (arrival != null) {
                endToEnd.recordValue(Math.max(0, (arrival.receivedNanos() - event.commitNanos()) / 1_000));
                toBroker.recordValue(Math.max(0, arrival.appendedEpochMillis() - epochMillis(event.commitNanos())));
            }
        }
        return new Steady(rate, measured.size() / (double) settings.measured().toSeconds(), measured.size(), missing,
                endToEnd, toBroker, cpuStart.until(cpuEnd), busyBefore);
    }

    /** When the first and the last event of a backlog reached the tap. */
    private record ArrivalSpan(long first, long last) {

        static ArrivalSpan of(KafkaTap tap, List<UUID> backlog) {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (UUID id : backlog) {
                KafkaTap.Arrival arrival = tap.arrival(id);
                if (arrival != null) {
                    first = Math.min(first, arrival.receivedNanos());
                    last = Math.max(last, arrival.receivedNanos());
                }
            }
            return new ArrivalSpan(first, last);
        }
    }

    /** A connection to the bench database, for the ceiling's slot and the walsender's timeout. */
    private interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * Pauses the running relay (SIGSTOP), writes the backlog, resumes it and times the backlog into Kafka: the relay's
     * cost per event once its code is compiled, which a fresh JVM's drain mixes with its start and its JIT.
     */
    private static WarmDrain drainWarm(RelaySettings settings, OutboxLoad load, KafkaTap tap, QuarkusAppProcess relay,
                                       Connector connector) throws Exception {
        try (Connection connection = connector.connect(); Statement statement = connection.createStatement()) {
            // The paused relay confirms nothing; at the default 60 s its walsender would hang up on it mid-backlog.
            statement.execute("alter system set wal_sender_timeout = '10min'");
            statement.execute("select pg_reload_conf()");
        }
        int events = settings.backlog();
        System.out.printf(Locale.ROOT, "# relay paused; writing a backlog of %d events ...%n", events);
        relay.pause();
        List<UUID> backlog;
        double busyBefore;
        try {
            backlog = KafkaTap.ids(load.burst(settings.backlogWriters(), events));
            busyBefore = CpuSplit.awaitIdle(WARM_IDLE_PATIENCE);
        } finally {
            relay.resume();
        }
        System.out.println("# relay resumed on the backlog ...");
        CpuSplit.Snapshot cpuStart = CPU.snapshot();
        long resumedAt = System.currentTimeMillis();
        long missing = tap.await(backlog, ARRIVAL_DEADLINE);
        CpuSplit.Snapshot cpuEnd = CPU.snapshot();
        // relay-steady.jfr (--profile) holds this phase too: its samples between these two times are the drain's.
        System.out.printf(Locale.ROOT, "# warm drain done; it ran from %s to %s%n", Instant.ofEpochMilli(resumedAt),
                Instant.now());
        ArrivalSpan span = ArrivalSpan.of(tap, backlog);
        return new WarmDrain(events, events / seconds(span.last() - span.first()), missing, cpuStart.until(cpuEnd),
                busyBefore);
    }

    private static Drain drainBacklog(RelaySettings settings, OutboxLoad load, KafkaTap tap,
                                      Map<String, String> relayProperties, Path root, DecodingCeiling ceiling,
                                      Connector connector) throws Exception {
        try (Connection connection = connector.connect()) {
            ceiling.createSlot(connection);
        }
        int events = settings.backlog();
        System.out.printf(Locale.ROOT, "# relay stopped; writing a backlog of %d events ...%n", events);
        long writeStart = System.nanoTime();
        List<UUID> backlog = KafkaTap.ids(load.burst(settings.backlogWriters(), events));
        double writtenPerSecond = events / seconds(System.nanoTime() - writeStart);

        System.out.println("# starting the relay on the backlog ...");
        double relayBusyBefore = CpuSplit.awaitIdle(settings.idleWait());
        CpuSplit.Snapshot relayCpuStart = CPU.snapshot();
        long launch = System.nanoTime();
        long missing;
        CpuSplit.Share relayCpu;
        try (QuarkusAppProcess relay = QuarkusAppProcess.launch("cdc-relay", JAR,
                settings.relayJvmOptions(root.resolve("relay-drain.jfr")), relayProperties, root.resolve("relay-drain.log"))) {
            missing = tap.await(backlog, ARRIVAL_DEADLINE);
            relayCpu = relayCpuStart.until(CPU.snapshot());
        }
        ArrivalSpan span = ArrivalSpan.of(tap, backlog);

        System.out.println("# decoding the same WAL through a bare replication stream ...");
        double ceilingBusyBefore = CpuSplit.awaitIdle(settings.idleWait());
        DecodingCeiling.Result decoded = ceiling.drain(events);
        return new Drain(events, writtenPerSecond, events / seconds(span.last() - span.first()),
                seconds(span.last() - launch), seconds(span.first() - launch), missing, relayCpu, relayBusyBefore,
                events / seconds(decoded.nanos()), decoded.cpu(), ceilingBusyBefore);
    }

    private static void createTopic(EmbeddedKafkaBroker kafka)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = kafka.admin()) {
            // The broker stamps each record when it appends it: the relay-to-broker part of the latency.
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static String describeDatabase(Statement statement, EmbeddedPostgresServer postgres) throws SQLException {
        try (ResultSet row = statement.executeQuery("select current_setting('server_version'), "
                + "current_setting('fsync'), current_setting('synchronous_commit'), "
                + "current_setting('full_page_writes'), current_setting('shared_buffers')")) {
            row.next();
            return String.format("PostgreSQL %s, fsync=%s, synchronous_commit=%s, full_page_writes=%s, "
                    + "shared_buffers=%s, wal_level=logical (%s)", row.getString(1), row.getString(2),
                    row.getString(3), row.getString(4), row.getString(5), postgres.durability());
        }
    }

    private static void report(RelaySettings settings, String database, List<Steady> steady, WarmDrain warm,
                               Drain drain)
            throws Exception {
        Map<String, String> relaySettings = new TreeMap<>(RELAY_DEFAULTS);
        relaySettings.putAll(settings.relayOverrides());
        System.out.println();
        System.out.println("```");
        Machine.printHeader(System.out, "default flags, same for the relay and the bench");
        System.out.println("Database: " + database);
        System.out.println("Kafka:    embedded single KRaft broker, topic " + TOPIC + " with " + PARTITIONS
                + " partitions, RF 1, LogAppendTime");
        System.out.println("Relay:    " + relaySettings);
        System.out.println("Tracing:  " + switch (settings.tracing()) {
            case NONE -> "none (no trace context in the rows)";
            case OFF -> "off (every row carries a trace context; the relay passes it on, exports nothing)";
            case ON -> "on (every row carries a trace context; the relay exports its spans over OTLP/HTTP to loopback)";
        });
        System.out.printf(Locale.ROOT, "Load:     %d writer connections, one transaction per event (insert + delete), "
                        + "~1.5 KB jsonb; %d s warm-up + %d s measured per rate; backlog %d events by %d writers%n",
                settings.writers(), settings.warmUp().toSeconds(), settings.measured().toSeconds(), settings.backlog(),
                settings.backlogWriters());
        System.out.println("```");
        System.out.println();
        System.out.println("| target rate/s | achieved/s | events | commit→consumed p50 / p99 / p99.9 / max ms "
                + "| commit→broker append p50 / p99 / max ms | missing |");
        System.out.println("|---:|---:|---:|---|---|---:|");
        for (Steady s : steady) {
            System.out.printf(Locale.ROOT, "| %d | %.0f | %d | %s / %s / %s / %s | %d / %d / %d | %d |%n", s.rate(),
                    s.achieved(), s.events(), ms(s.endToEndMicros(), 50), ms(s.endToEndMicros(), 99),
                    ms(s.endToEndMicros(), 99.9), ms(s.endToEndMicros(), 100),
                    s.toBrokerMillis().getValueAtPercentile(50), s.toBrokerMillis().getValueAtPercentile(99),
                    s.toBrokerMillis().getMaxValue(), s.missing());
        }
        System.out.println();
        System.out.println("| backlog drain | events | events/s | relay / ceiling | relay CPU per event |");
        System.out.println("|---|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| warm relay (paused while written), first to last event in Kafka | %d | %.0f "
                        + "| %.2f | %.0f µs |%n", warm.events(), warm.relayPerSecond(),
                warm.relayPerSecond() / drain.ceilingPerSecond(), warm.relayMicrosPerEvent());
        System.out.printf(Locale.ROOT, "| new relay, first to last event in Kafka | %d | %.0f | %.2f | |%n",
                drain.events(), drain.relayPerSecond(), drain.relayPerSecond() / drain.ceilingPerSecond());
        System.out.printf(Locale.ROOT, "| new relay, from process launch (first event after %.1f s) | %d | %.0f | %.2f "
                        + "| %.0f µs |%n", drain.firstEventAfterLaunchSeconds(), drain.events(),
                drain.events() / drain.relayFromLaunchSeconds(),
                drain.events() / drain.relayFromLaunchSeconds() / drain.ceilingPerSecond(),
                drain.relayMicrosPerEvent());
        System.out.printf(Locale.ROOT, "| ceiling: pgoutput into a bare replication stream | %d | %.0f | 1.00 | |%n",
                drain.events(), drain.ceilingPerSecond());
        System.out.printf(Locale.ROOT, "| (backlog written by %d connections) | %d | %.0f | | |%n",
                settings.backlogWriters(), drain.events(), drain.writtenPerSecond());
        System.out.println();
        System.out.println("```");
        for (Steady s : steady) {
            System.out.printf(Locale.ROOT, "steady %d/s: CPU in cores: %s (machine %.0f %% busy before)%n", s.rate(),
                    s.cpu().describe(), 100 * s.busyBefore());
        }
        System.out.printf(Locale.ROOT, "warm drain:  CPU in cores: %s (machine %.0f %% busy before)%n",
                warm.cpu().describe(), 100 * warm.busyBefore());
        System.out.printf(Locale.ROOT, "new relay:   CPU in cores: %s (machine %.0f %% busy before)%n",
                drain.relayCpu().describe(), 100 * drain.relayBusyBefore());
        System.out.printf(Locale.ROOT, "ceiling:     CPU in cores: %s (machine %.0f %% busy before)%n",
                drain.ceilingCpu().describe(), 100 * drain.ceilingBusyBefore());
        System.out.println("```");
    }

    private static String ms(Histogram micros, double percentile) {
        long value = percentile >= 100 ? micros.getMaxValue() : micros.getValueAtPercentile(percentile);
        return String.format(Locale.ROOT, "%.1f", value / 1000.0);
    }

    private static long epochMillis(long nanoTime) {
        return EPOCH_MILLIS_AT_BASE + (nanoTime - NANOS_AT_BASE) / 1_000_000;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
