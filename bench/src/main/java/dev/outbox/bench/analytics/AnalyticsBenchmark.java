package dev.outbox.bench.analytics;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.bench.kafka.BacklogDrain;
import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.kafka.EventProducer;
import dev.outbox.bench.kafka.GroupLag;
import dev.outbox.bench.machine.CpuSplit;
import dev.outbox.bench.machine.Machine;
import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.embedded.process.WorkDirectory;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The analytics-consumer benchmark: how fast the packaged consumer drains a backlog for several
 * {@code max.poll.records}, its lag and produce-to-counted delay at steady rates, and the ceiling of the same SQL over
 * bare JDBC next to the naive one-update-per-event way. Run from the repository root (bench/analytics.sh).
 */
public final class AnalyticsBenchmark {

    private static final String TOPIC = "blog.events";
    private static final String DEAD_LETTER_TOPIC = "blog.events.dlq";
    private static final int PARTITIONS = 3;
    private static final String DATABASE = "analytics_bench";
    private static final BlogEventStream.Mix MIX = new BlogEventStream.Mix(80, 12);
    /** The broker is the one other JVM: its arguments (a long classpath) are not reliably readable from here. */
    static final CpuSplit CPU = new CpuSplit("bench", List.of(CpuSplit.Part.argument("consumer", "quarkus-run.jar"),
            CpuSplit.Part.executable("postgres", "/postgres"), CpuSplit.Part.executable("kafka", "/java")), "rest");
    /** analytics.sh copies the packaged app here, so a rebuild of the module cannot change it under a running run. */
    private static final Path JAR = Path.of("bench/target/analytics-consumer-app/quarkus-run.jar");
    private static final Duration READY_DEADLINE = Duration.ofSeconds(120);
    /** Steady-phase blog ids start here, far above the backlog's, so the two streams never share a blog. */
    private static final long STEADY_FIRST_BLOG_ID = 1_000_000_000L;

    private AnalyticsBenchmark() {
    }

    record Drain(int pollRecords, int events, BacklogDrain.Timing timing, long transactions, long mismatches,
                 double busyBefore) {

        int meanBatch() {
            return (int) Math.round(events / (double) Math.max(1, transactions));
        }
    }

    record Baseline(String name, int batch, CountingCeiling.Result result, long mismatches, double busyBefore) {
    }

    public static void main(String[] args) throws Exception {
        AnalyticsSettings settings = AnalyticsSettings.parse(args);
        Path root = WorkDirectory.root();
        Files.createDirectories(root);
        List<Drain> drains = new ArrayList<>();
        List<SteadyRate.Result> steady = new ArrayList<>();
        List<Baseline> baselines = new ArrayList<>();
        long steadyMismatches;
        double backlogWritePerSecond;
        String databaseDescription;
        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(settings.durability()).start();
             EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start();
             GroupLag lag = new GroupLag(kafka.bootstrapServers(), TOPIC, PARTITIONS);
             EventProducer producer = new EventProducer(kafka.bootstrapServers(), TOPIC, new AnalyticsTexts())) {
            String jdbcUrl = postgres.createDatabase(DATABASE);
            AnalyticsDatabase database = new AnalyticsDatabase(
                    new DatabaseLogin(jdbcUrl, postgres.username(), postgres.password()));
            long markerAuthor = settings.authors() + 1L;
            database.createBlogSchema(settings.authors() + 1);
            databaseDescription = database.describe(postgres.durability().toString());
            kafka.createTopic(TOPIC, PARTITIONS);
            kafka.createTopic(DEAD_LETTER_TOPIC, 1);
            Map<String, String> consumerProperties = new LinkedHashMap<>(Map.of(
                    "quarkus.datasource.jdbc.url", jdbcUrl,
                    "quarkus.datasource.username", postgres.username(),
                    "quarkus.datasource.password", postgres.password(),
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "analytics.topic", TOPIC,
                    "analytics.dead-letter-topic", DEAD_LETTER_TOPIC));
            consumerProperties.putAll(settings.consumerOverrides());

            BlogEventStream backlogStream = new BlogEventStream(1, settings.authors(), 1, MIX);
            List<BlogEventStream.Event> backlog = backlogStream.take(settings.events());
            System.out.printf(Locale.ROOT, "# consumer stopped; writing a backlog of %d events ...%n", backlog.size());
            long writeStart = System.nanoTime();
            backlog.forEach(producer::send);
            producer.flush();
            backlogWritePerSecond = backlog.size() / ((System.nanoTime() - writeStart) / 1e9);

            for (int pollRecords : settings.drainPollRecords()) {
                System.out.printf(Locale.ROOT, "# draining the backlog with max.poll.records=%d ...%n", pollRecords);
                drains.add(drain(settings, database, lag, consumerProperties, pollRecords, backlog.size(),
                        backlogStream.totals(), root));
            }

            System.out.println("# steady rates ...");
            database.reset();
            String steadyGroup = "analytics-steady";
            lag.skipToEnd(steadyGroup);
            Map<String, String> steadyProperties = new LinkedHashMap<>(consumerProperties);
            steadyProperties.put("analytics.group-id", steadyGroup);
            steadyProperties.putIfAbsent("analytics.consumer.max.poll.records",
                    Integer.toString(settings.steadyPollRecords()));
            BlogEventStream steadyStream = new BlogEventStream(2, settings.authors(), STEADY_FIRST_BLOG_ID, MIX);
            try (QuarkusAppProcess consumer = QuarkusAppProcess.launch("analytics-consumer", JAR, List.of(), steadyProperties,
                    root.resolve("analytics-steady.log"))) {
                consumer.awaitReady(READY_DEADLINE);
                SteadyRate phase = new SteadyRate(producer, lag, steadyGroup, database, steadyStream, markerAuthor);
                for (int rate : settings.rates()) {
                    System.out.printf(Locale.ROOT, "# steady rate %d/s: %d s warm-up, %d s measured ...%n", rate,
                            settings.warmUp().toSeconds(), settings.measured().toSeconds());
                    double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
                    steady.add(phase.run(rate, settings.warmUp(), settings.measured(), busyBefore));
                    consumer.assertAlive();
                }
            }
            steadyMismatches = database.mismatches(steadyStream.totals());

            CountingCeiling ceiling = new CountingCeiling(database);
            for (Drain drain : drains) {
                System.out.printf(Locale.ROOT, "# ceiling: the same SQL over JDBC in batches of %d ...%n",
                        drain.meanBatch());
                database.reset();
                double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
                CountingCeiling.Result result = ceiling.batched(backlog, drain.meanBatch());
                baselines.add(new Baseline("ceiling", drain.meanBatch(), result,
                        database.mismatches(backlogStream.totals()), busyBefore));
            }
            System.out.printf(Locale.ROOT, "# naive: one update per event, autocommit, for %d s ...%n",
                    settings.naive().toSeconds());
            database.reset();
            double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
            baselines.add(new Baseline("naive", 1, ceiling.naive(backlog, settings.naive()), 0, busyBefore));
        }
        report(settings, databaseDescription, backlogWritePerSecond, drains, steady, steadyMismatches, baselines);
        boolean correct = drains.stream().allMatch(d -> d.mismatches() == 0) && steadyMismatches == 0
                && steady.stream().allMatch(s -> s.markersMissing() == 0)
                && baselines.stream().allMatch(b -> b.mismatches() == 0);
        if (!correct) {
            System.err.println("FAILED: a total_blogs differs from the events written, or a marker was never counted");
            System.exit(1);
        }
    }

    /** A fresh group on the whole backlog; done when its committed offsets reach the topic's end. */
    private static Drain drain(AnalyticsSettings settings, AnalyticsDatabase database, GroupLag lag,
                               Map<String, String> consumerProperties, int pollRecords, int events,
                               Map<Long, Long> truth, Path root) throws Exception {
        String group = "analytics-drain-" + pollRecords;
        Map<String, String> properties = new LinkedHashMap<>(consumerProperties);
        properties.put("analytics.group-id", group);
        properties.put("analytics.consumer.max.poll.records", Integer.toString(pollRecords));
        database.reset();
        double busyBefore = CpuSplit.awaitIdle(settings.idleWait());
        BacklogDrain drain = BacklogDrain.launching(CPU);
        BacklogDrain.Timing timing;
        try (QuarkusAppProcess consumer = QuarkusAppProcess.launch("analytics-consumer", JAR, List.of(), properties,
                root.resolve("analytics-drain-" + pollRecords + ".log"))) {
            timing = drain.awaitLagZero(List.of(consumer), lag, group);
        }
        return new Drain(pollRecords, events, timing, database.transactions(), database.mismatches(truth),
                busyBefore);
    }

    private static void report(AnalyticsSettings settings, String database, double backlogWritePerSecond,
                               List<Drain> drains, List<SteadyRate.Result> steady, long steadyMismatches,
                               List<Baseline> baselines) throws Exception {
        System.out.println();
        System.out.println("```");
        Machine.printHeader(System.out, "default flags, same for the consumer and the bench");
        System.out.println("Database: " + database);
        System.out.println("Kafka:    embedded single KRaft broker, topic " + TOPIC + " with " + PARTITIONS
                + " partitions, RF 1; producer " + EventProducer.SETTINGS);
        System.out.printf(Locale.ROOT, "Events:   %d backlog events (80 %% BlogPublished, 12 %% BlogUpdated, 8 %% "
                        + "BlogDeleted), ~1.5 KB JSON, %d authors; backlog written at %.0f events/s%n",
                settings.events(), settings.authors(), backlogWritePerSecond);
        System.out.println("Consumer: analytics-consumer defaults (DB pool 4, fetch defaults), overrides "
                + settings.consumerOverrides() + "; steady max.poll.records=" + settings.steadyPollRecords());
        System.out.println("```");
        System.out.println();
        System.out.println(BacklogDrain.COLUMNS + "| ceiling events/s (same batch) | consumer / ceiling | totals |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (int i = 0; i < drains.size(); i++) {
            Drain d = drains.get(i);
            Baseline ceiling = baselines.get(i);
            System.out.printf(Locale.ROOT, "| %d | %d | %d %s| %.0f | %.2f | %s |%n", d.pollRecords(), d.events(),
                    d.meanBatch(), d.timing().cells(), ceiling.result().perSecond(),
                    d.timing().perSecond() / ceiling.result().perSecond(), verdict(d.mismatches()));
        }
        Baseline naive = baselines.get(baselines.size() - 1);
        System.out.printf(Locale.ROOT, "| naive: one `update users` per event, own transaction | %d | 1 | | | | %.0f "
                + "| | |%n", naive.result().events(), naive.result().perSecond());
        System.out.println();
        System.out.println("| steady rate/s | achieved/s | lag p50 / p99 / max records "
                + "| produce→counted delay p50 / p99 / max ms | markers | lag 0 after stop s |");
        System.out.println("|---:|---:|---|---|---:|---:|");
        for (SteadyRate.Result s : steady) {
            System.out.printf(Locale.ROOT, "| %d | %.0f | %d / %d / %d | %s / %s / %s | %d | %.1f |%n", s.rate(),
                    s.achieved(), s.lag().getValueAtPercentile(50), s.lag().getValueAtPercentile(99),
                    s.lag().getMaxValue(), ms(s.delayMicros(), 50), ms(s.delayMicros(), 99),
                    ms(s.delayMicros(), 100), s.delayMicros().getTotalCount(), s.catchUpSeconds());
        }
        System.out.println();
        System.out.println("Steady-phase totals: " + verdict(steadyMismatches));
        System.out.println();
        System.out.println("```");
        for (Drain d : drains) {
            System.out.printf(Locale.ROOT, "drain %5d:   CPU in cores: %s (machine %.0f %% busy before)%n",
                    d.pollRecords(), d.timing().cpu().describe(), 100 * d.busyBefore());
        }
        for (SteadyRate.Result s : steady) {
            System.out.printf(Locale.ROOT, "steady %5d/s: CPU in cores: %s (machine %.0f %% busy before)%n",
                    s.rate(), s.cpu().describe(), 100 * s.busyBefore());
        }
        for (Baseline b : baselines) {
            System.out.printf(Locale.ROOT, "%s %5d:  CPU in cores: %s (machine %.0f %% busy before)%n",
                    b.name(), b.batch(), b.result().cpu().describe(), 100 * b.busyBefore());
        }
        System.out.println("```");
    }

    private static String verdict(long mismatches) {
        return mismatches == 0 ? "all correct" : mismatches + " authors WRONG";
    }

    private static String ms(Histogram micros, double percentile) {
        long value = percentile >= 100 ? micros.getMaxValue() : micros.getValueAtPercentile(percentile);
        return String.format(Locale.ROOT, "%.1f", value / 1000.0);
    }
}
