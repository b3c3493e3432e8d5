package dev.outbox.bench.analytics;

import dev.outbox.bench.settings.Flags;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer.Durability;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The analytics benchmark's command line; {@code --analytics.*=value} options go to the consumer unchanged. */
record AnalyticsSettings(int events, int authors, List<Integer> drainPollRecords, List<Integer> rates,
                         int steadyPollRecords, Duration warmUp, Duration measured, Duration naive,
                         Durability durability, Duration idleWait, Map<String, String> consumerOverrides) {

    private static final String USAGE = "Usage: bench/analytics.sh [--events=200000] [--authors=1000]"
            + " [--poll-records=500,1000,5000] [--rates=1000,5000] [--steady-poll-records=1000] [--warmup=10]"
            + " [--duration=30] [--naive=15] [--durability=durable|fast] [--idle-wait=180]"
            + " [--analytics.<property>=<value> ...]";

    static AnalyticsSettings parse(String[] args) {
        Flags flags = Flags.parse(args, USAGE);
        AnalyticsSettings settings = new AnalyticsSettings(flags.integer("events", 200_000),
                flags.integer("authors", 1_000), flags.integers("poll-records", List.of(500, 1_000, 5_000)),
                flags.integers("rates", List.of(1_000, 5_000)), flags.integer("steady-poll-records", 1_000),
                flags.seconds("warmup", Duration.ofSeconds(10)), flags.seconds("duration", Duration.ofSeconds(30)),
                flags.seconds("naive", Duration.ofSeconds(15)), flags.durability(Durability.DURABLE),
                flags.seconds("idle-wait", Duration.ofSeconds(180)), flags.prefixed("analytics."));
        flags.rejectUnknown();
        return settings;
    }
}
