package dev.outbox.bench.analytics;

import dev.outbox.testsupport.postgres.EmbeddedPostgresServer.Durability;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The analytics benchmark's command line; {@code --analytics.*=value} options go to the consumer unchanged. */
record AnalyticsSettings(int events, int authors, List<Integer> drainPollRecords, List<Integer> rates,
                         int steadyPollRecords, Duration warmUp, Duration measured, Duration naive,
                         Durability durability, Duration idleWait, Map<String, String> consumerOverrides) {

    static final String USAGE = "Usage: bench/analytics.sh [--events=200000] [--authors=1000]"
            + " [--poll-records=500,1000,5000] [--rates=1000,5000] [--steady-poll-records=1000] [--warmup=10]"
            + " [--duration=30] [--naive=15] [--durability=durable|fast] [--idle-wait=180]"
            + " [--analytics.<property>=<value> ...]";

    static AnalyticsSettings parse(String[] args) {
        int events = 200_000;
        int authors = 1_000;
        List<Integer> drainPollRecords = List.of(500, 1_000, 5_000);
        List<Integer> rates = List.of(1_000, 5_000);
        int steadyPollRecords = 1_000;
        Duration warmUp = Duration.ofSeconds(10);
        Duration measured = Duration.ofSeconds(30);
        Duration naive = Duration.ofSeconds(15);
        Durability durability = Durability.DURABLE;
        Duration idleWait = Duration.ofSeconds(180);
        Map<String, String> consumerOverrides = new LinkedHashMap<>();
        for (String arg : args) {
            String[] option = arg.split("=", 2);
            if (option.length != 2 || !option[0].startsWith("--")) {
                throw new IllegalArgumentException(arg + "\n" + USAGE);
            }
            String name = option[0].substring(2);
            String value = option[1];
            if (name.startsWith("analytics.")) {
                consumerOverrides.put(name, value);
                continue;
            }
            switch (name) {
                case "events" -> events = Integer.parseInt(value);
                case "authors" -> authors = Integer.parseInt(value);
                case "poll-records" -> drainPollRecords = integers(value);
                case "rates" -> rates = integers(value);
                case "steady-poll-records" -> steadyPollRecords = Integer.parseInt(value);
                case "warmup" -> warmUp = Duration.ofSeconds(Long.parseLong(value));
                case "duration" -> measured = Duration.ofSeconds(Long.parseLong(value));
                case "naive" -> naive = Duration.ofSeconds(Long.parseLong(value));
                case "durability" -> durability = Durability.valueOf(value.toUpperCase(Locale.ROOT));
                case "idle-wait" -> idleWait = Duration.ofSeconds(Long.parseLong(value));
                default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
            }
        }
        return new AnalyticsSettings(events, authors, drainPollRecords, rates, steadyPollRecords, warmUp, measured,
                naive, durability, idleWait, Map.copyOf(consumerOverrides));
    }

    private static List<Integer> integers(String csv) {
        return Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
    }
}
