package dev.outbox.bench.pipeline;

import dev.outbox.bench.settings.Flags;
import dev.outbox.local.LocalSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pipeline benchmark's command line. {@code --rates} lists steady publish rates, {@code max} last meaning the
 * rate the closed loop found the API to sustain; {@code --search} lists the search backends, each run in a pipeline of
 * its own one after the other ({@code opensearch}: an embedded node and two search-indexer members, as
 * {@code ./run-local --search=opensearch} starts them); {@code --quick} shrinks the defaults to a smoke run of a few
 * minutes.
 */
record PipelineSettings(List<LocalSettings.Search> searches, List<Integer> rates, boolean maxRate, Duration closedLoopWarmUp, Duration warmUp,
                        Duration measured, int clients, int maxClients, int authors, int catchUpEvents,
                        int catchUpClients, Duration probePoll, Duration idleWait, boolean quick) {

    static final String MAX = "max";

    private static final String USAGE = "Usage: bench/pipeline.sh [--rates=200,1000,max] [--closed-loop-warmup=30]"
            + " [--warmup=10] [--duration=30] [--clients=32] [--max-clients=16] [--authors=50]"
            + " [--catch-up-events=200000] [--catch-up-clients=16] [--probe-poll-ms=5] [--idle-wait=180]"
            + " [--search=lucene|opensearch|lucene,opensearch] [--quick]\n"
            + "--quick makes the defaults --rates=50,200 --closed-loop-warmup=5 --warmup=2 --duration=5"
            + " --catch-up-events=5000 --authors=20 --idle-wait=1.";

    static PipelineSettings parse(String[] args) {
        Flags flags = Flags.parse(args, USAGE);
        boolean quick = flags.isSet("quick");
        List<String> rateNames = List.of(flags.text("rates", quick ? "50,200" : "200,1000," + MAX).split(","));
        List<Integer> rates = new ArrayList<>();
        boolean maxRate = false;
        for (int i = 0; i < rateNames.size(); i++) {
            String rate = rateNames.get(i).trim().toLowerCase(Locale.ROOT);
            if (rate.equals(MAX) && i == rateNames.size() - 1) {
                maxRate = true;
            } else {
                try {
                    rates.add(Integer.parseInt(rate));
                } catch (NumberFormatException e) {
                    throw flags.invalid("rates must be whole numbers per second, with " + MAX + " only last: " + rate);
                }
            }
        }
        List<LocalSettings.Search> searches = new ArrayList<>();
        for (String search : flags.text("search", "lucene").split(",")) {
            try {
                searches.add(LocalSettings.Search.valueOf(search.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw flags.invalid("search must list lucene and/or opensearch: " + search);
            }
        }
        if (searches.stream().distinct().count() < searches.size()) {
            throw flags.invalid("search must name each backend once");
        }
        PipelineSettings settings = new PipelineSettings(List.copyOf(searches), rates, maxRate,
                flags.seconds("closed-loop-warmup", Duration.ofSeconds(quick ? 5 : 30)),
                flags.seconds("warmup", Duration.ofSeconds(quick ? 2 : 10)),
                flags.seconds("duration", Duration.ofSeconds(quick ? 5 : 30)),
                flags.integer("clients", 32), flags.integer("max-clients", 16),
                flags.integer("authors", quick ? 20 : 50),
                flags.integer("catch-up-events", quick ? 5_000 : 200_000), flags.integer("catch-up-clients", 16),
                Duration.ofMillis(flags.integer("probe-poll-ms", 5)),
                flags.seconds("idle-wait", Duration.ofSeconds(quick ? 1 : 180)), quick);
        flags.rejectUnknown();
        if (settings.rates.stream().anyMatch(rate -> rate < 1) || settings.clients < 1 || settings.maxClients < 1
                || settings.authors < 1 || settings.catchUpEvents < 1 || settings.catchUpClients < 1
                || settings.probePoll.isNegative() || settings.measured.isZero()) {
            throw flags.invalid("rates, clients, authors, catch-up events and the duration must be positive");
        }
        return settings;
    }

    String describe() {
        List<String> names = new ArrayList<>(rates.stream().map(String::valueOf).toList());
        if (maxRate) {
            names.add(MAX);
        }
        return String.format(Locale.ROOT, "search on %s, one pipeline each; closed loop of %d clients, %d s warm-up (every JVM's) + %d s measured; "
                        + "rates %s/s, %d s warm-up + %d s measured each, %d open-loop client threads; %d authors; "
                        + "catch-up of %d events from %d clients; probes polled every %d ms%s",
                String.join(",", searches.stream().map(search -> search.name().toLowerCase(Locale.ROOT)).toList()),
                maxClients,
                closedLoopWarmUp.toSeconds(), measured.toSeconds(), String.join(",", names), warmUp.toSeconds(),
                measured.toSeconds(), clients, authors, catchUpEvents, catchUpClients, probePoll.toMillis(),
                quick ? " (quick smoke run)" : "");
    }
}
