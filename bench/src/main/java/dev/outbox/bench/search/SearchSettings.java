package dev.outbox.bench.search;

import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.settings.Flags;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The search benchmark's command line; {@code --search.*=value} options go to the indexer unchanged, and
 * {@code --quick} shrinks the defaults to a smoke run of a few minutes.
 */
record SearchSettings(int events, int authors, BlogEventStream.Mix mix, List<Backend> backends,
                      List<Integer> openSearchMembers, List<Integer> drainPollRecords, List<Integer> clients,
                      Duration warmUp, Duration measured, Duration idleWait, boolean profile, boolean quick,
                      Map<String, String> indexerOverrides) {

    private static final String USAGE = "Usage: bench/search.sh [--events=100000] [--authors=1000] [--updates=0]"
            + " [--deletes=0] [--backends=lucene,opensearch] [--opensearch-members=1,2] [--poll-records=1000]"
            + " [--clients=1,4] [--warmup=10] [--duration=30] [--idle-wait=180] [--profile] [--quick]"
            + " [--search.<property>=<value> ...]\n--updates and --deletes are percentages of the events;"
            + " --profile records JFR in every indexer (bench/target/search-drain-<drain>-<member>.jfr);"
            + " --quick makes the defaults --events=5000 --authors=100 --warmup=2 --duration=5 --idle-wait=1.";

    static SearchSettings parse(String[] args) {
        Flags flags = Flags.parse(args, USAGE);
        boolean quick = flags.isSet("quick");
        int updates = flags.integer("updates", 0);
        int deletes = flags.integer("deletes", 0);
        BlogEventStream.Mix mix;
        List<Backend> backends;
        try {
            mix = new BlogEventStream.Mix(100 - updates - deletes, updates);
            backends = Arrays.stream(flags.text("backends", "lucene,opensearch").split(","))
                    .map(Backend::named).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw flags.invalid(e.getMessage());
        }
        SearchSettings settings = new SearchSettings(flags.integer("events", quick ? 5_000 : 100_000),
                flags.integer("authors", quick ? 100 : 1_000), mix, backends,
                flags.integers("opensearch-members", List.of(1, 2)), flags.integers("poll-records", List.of(1_000)),
                flags.integers("clients", List.of(1, 4)),
                flags.seconds("warmup", Duration.ofSeconds(quick ? 2 : 10)),
                flags.seconds("duration", Duration.ofSeconds(quick ? 5 : 30)),
                flags.seconds("idle-wait", Duration.ofSeconds(quick ? 1 : 180)), flags.isSet("profile"), quick,
                flags.prefixed("search."));
        flags.rejectUnknown();
        if (settings.events() < 1 || settings.authors() < 1 || settings.backends().isEmpty()
                || Stream.of(settings.openSearchMembers(), settings.drainPollRecords(), settings.clients())
                .flatMap(List::stream).anyMatch(n -> n < 1)) {
            throw flags.invalid("events, authors, opensearch-members, poll-records and clients must be positive, "
                    + "backends lucene and/or opensearch");
        }
        return settings;
    }

    /** Every drain of the run: each backend in turn (Lucene with its one member), each with every poll size. */
    List<DrainSetup> drainSetups() {
        return backends.stream()
                .flatMap(backend -> (backend == Backend.LUCENE ? List.of(1) : openSearchMembers).stream()
                        .flatMap(members -> drainPollRecords.stream()
                                .map(pollRecords -> new DrainSetup(backend, members, pollRecords))))
                .toList();
    }
}
