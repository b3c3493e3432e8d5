package dev.outbox.bench.relay;

import dev.outbox.testsupport.postgres.EmbeddedPostgresServer.Durability;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The relay benchmark's command line; {@code --relay.*=value} options go to the relay process unchanged. */
record RelaySettings(List<Integer> rates, Duration warmUp, Duration measured, int writers, int backlog,
                     int backlogWriters, Durability durability, Duration idleWait, Map<String, String> relayOverrides) {

    static final String USAGE = "Usage: bench/relay.sh [--rates=500,2000] [--warmup=10] [--duration=30] [--writers=8]"
            + " [--backlog=100000] [--backlog-writers=4] [--durability=durable|fast] [--idle-wait=180]"
            + " [--relay.<property>=<value> ...]";

    static RelaySettings parse(String[] args) {
        List<Integer> rates = List.of(500, 2000);
        Duration warmUp = Duration.ofSeconds(10);
        Duration measured = Duration.ofSeconds(30);
        int writers = 8;
        int backlog = 100_000;
        int backlogWriters = 4;
        Durability durability = Durability.DURABLE;
        Duration idleWait = Duration.ofSeconds(180);
        Map<String, String> relayOverrides = new LinkedHashMap<>();
        for (String arg : args) {
            String[] option = arg.split("=", 2);
            if (option.length != 2 || !option[0].startsWith("--")) {
                throw new IllegalArgumentException(arg + "\n" + USAGE);
            }
            String name = option[0].substring(2);
            String value = option[1];
            if (name.startsWith("relay.")) {
                relayOverrides.put(name, value);
                continue;
            }
            switch (name) {
                case "rates" -> rates = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "warmup" -> warmUp = Duration.ofSeconds(Long.parseLong(value));
                case "duration" -> measured = Duration.ofSeconds(Long.parseLong(value));
                case "writers" -> writers = Integer.parseInt(value);
                case "backlog" -> backlog = Integer.parseInt(value);
                case "backlog-writers" -> backlogWriters = Integer.parseInt(value);
                case "durability" -> durability = Durability.valueOf(value.toUpperCase(Locale.ROOT));
                case "idle-wait" -> idleWait = Duration.ofSeconds(Long.parseLong(value));
                default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
            }
        }
        return new RelaySettings(rates, warmUp, measured, writers, backlog, backlogWriters, durability, idleWait,
                Map.copyOf(relayOverrides));
    }
}
