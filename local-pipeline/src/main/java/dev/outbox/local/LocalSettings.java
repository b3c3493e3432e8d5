package dev.outbox.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local pipeline's command line: {@code --data=DIR} (default {@code local-data}), {@code --reset} (start
 * empty), a port per part, {@code --relays=2} for a standby relay beside the active one (on
 * {@code --second-relay-port}), and {@code --search=lucene|opensearch} (one search-indexer on a local Lucene index, or
 * an embedded OpenSearch node and two members sharing it, the second on {@code --search-port} + 1).
 * {@code --infra-only} starts Postgres and Kafka (and OpenSearch when asked) and no service, for {@code quarkus:dev}.
 * {@code --repository} is where the modules' packaged jars are (the current folder).
 */
public record LocalSettings(Path repository, Path data, boolean reset, int postgresPort, int kafkaPort,
                     int kafkaControllerPort, int blogPort, int relayPort, int analyticsPort, int searchPort,
                     int relays, int secondRelayPort, Search search, int openSearchPort, boolean infraOnly) {

    static final String USAGE = "Usage: ./run-local [--reset] [--data=local-data] [--postgres-port=15432]"
            + " [--kafka-port=19092] [--kafka-controller-port=19093] [--blog-port=8080] [--relay-port=8081] [--analytics-port=8082]"
            + " [--search-port=8083] [--relays=1|2] [--second-relay-port=8085] [--search=lucene|opensearch]"
            + " [--opensearch-port=19200] [--infra-only]";

    /** Where search-indexer keeps its index. */
    public enum Search { LUCENE, OPENSEARCH }

    /** One relay, search on Lucene. */
    public LocalSettings(Path repository, Path data, boolean reset, int postgresPort, int kafkaPort,
                         int kafkaControllerPort, int blogPort, int relayPort, int analyticsPort, int searchPort) {
        this(repository, data, reset, postgresPort, kafkaPort, kafkaControllerPort, blogPort, relayPort, analyticsPort,
                searchPort, 1, 0, Search.LUCENE, 19200, false);
    }

    public static LocalSettings parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || !arg.startsWith("--")) {
                throw new IllegalArgumentException(USAGE);
            }
            int equals = arg.indexOf('=');
            options.put(equals < 0 ? arg.substring(2) : arg.substring(2, equals),
                    equals < 0 ? "true" : arg.substring(equals + 1));
        }
        LocalSettings settings = new LocalSettings(
                Path.of(take(options, "repository", ".")).toAbsolutePath().normalize(),
                Path.of(take(options, "data", "local-data")).toAbsolutePath().normalize(),
                Boolean.parseBoolean(take(options, "reset", "false")),
                port(options, "postgres-port", 15432), port(options, "kafka-port", 19092),
                port(options, "kafka-controller-port", 19093),
                port(options, "blog-port", 8080), port(options, "relay-port", 8081),
                port(options, "analytics-port", 8082), port(options, "search-port", 8083),
                port(options, "relays", 1), port(options, "second-relay-port", 8085),
                search(take(options, "search", "lucene")), port(options, "opensearch-port", 19200),
                Boolean.parseBoolean(take(options, "infra-only", "false")));
        if (settings.relays() < 1 || settings.relays() > 2) {
            throw new IllegalArgumentException("--relays must be 1 or 2 (one streams, the other stands by)\n" + USAGE);
        }
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("Unknown options " + options.keySet() + "\n" + USAGE);
        }
        return settings;
    }

    Path logs() {
        return data.resolve("logs");
    }

    private static Search search(String value) {
        return switch (value) {
            case "lucene" -> Search.LUCENE;
            case "opensearch" -> Search.OPENSEARCH;
            default -> throw new IllegalArgumentException("--search must be lucene or opensearch, not '" + value
                    + "'\n" + USAGE);
        };
    }

    private static String take(Map<String, String> options, String name, String fallback) {
        String value = options.remove(name);
        return value != null ? value : fallback;
    }

    private static int port(Map<String, String> options, String name, int fallback) {
        String value = take(options, name, Integer.toString(fallback));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a port number, not '" + value + "'\n" + USAGE);
        }
    }
}
