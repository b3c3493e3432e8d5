package dev.outbox.bench.pipeline;

import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.Machine;
import dev.outbox.local.Topics;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Prints the context of a run and its figures as Markdown tables, ready to paste into docs/benchmarks.md. */
final class PipelineReport {

    private static final double KIB_PER_MIB = 1024.0;

    private final PrintStream out;

    PipelineReport(PrintStream out) {
        this.out = out;
    }

    void print(PipelineSettings settings, List<PipelineBenchmark.Results> runs) {
        out.println();
        out.println("```");
        Machine.printHeader(out, "default flags for the bench; the services with LocalPipeline's heaps (-Xmx128m, relay and search -Xmx192m) and MALLOC_ARENA_MAX=2");
        out.println("Pipeline: LocalPipeline: embedded PostgreSQL (fsync on), one KRaft broker, topic "
                + Topics.EVENTS + " with " + Topics.PARTITIONS + " partitions; blog-app, cdc-relay, "
                + "analytics-consumer and search-indexer from their packaged jars with their default settings; "
                + "search on opensearch: an embedded node and two search-indexer members sharing group "
                + "search-opensearch");
        out.println("Settings: " + settings.describe());
        out.println("```");
        out.println();
        for (PipelineBenchmark.Results results : runs) {
            out.printf("#### Search on %s (%s)%n%n", results.search().name().toLowerCase(Locale.ROOT),
                    String.join(", ", results.services()));
            sustained(results.sustained());
            freshness(settings, results.idle(), results.rates());
            catchUp(results.catchUp());
            memory(results.rates().get(results.rates().size() - 1).name(), results.highestRateMemory(),
                    results.catchUp().memory());
            cpu(results);
        }
        if (runs.size() > 1) {
            backends(runs);
        }
    }

    /** Each later backend's freshness and catch-up against the first's, phase by phase. */
    private void backends(List<PipelineBenchmark.Results> runs) {
        PipelineBenchmark.Results first = runs.get(0);
        String firstName = first.search().name().toLowerCase(Locale.ROOT);
        out.printf("#### The backends side by side (÷ %s in the same run)%n%n", firstName);
        out.println("| search on | phase | achieved/s | commit → counted p50 / p99 ms | commit → searchable p50 / p99 ms "
                + "| searchable p50 / p99 ÷ " + firstName + " |");
        out.println("|---|---|---:|---|---|---|");
        for (PipelineBenchmark.Results run : runs) {
            List<FreshnessPhase.Result> phases = new ArrayList<>(List.of(run.idle()));
            phases.addAll(run.rates());
            List<FreshnessPhase.Result> firstPhases = new ArrayList<>(List.of(first.idle()));
            firstPhases.addAll(first.rates());
            for (int i = 0; i < phases.size(); i++) {
                FreshnessPhase.Result phase = phases.get(i);
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n",
                        run.search().name().toLowerCase(Locale.ROOT), phase.name(),
                        phase.load() == null ? "0" : String.format(Locale.ROOT, "%.0f", phase.load().perSecond()),
                        percentiles(phase.countedMicros()), percentiles(phase.searchableMicros()),
                        i < firstPhases.size() ? ratios(phase.searchableMicros(),
                                firstPhases.get(i).searchableMicros()) : "n/a");
            }
        }
        out.println();
        out.println("| search on | catch-up of | to counted s | to searchable s | searchable ÷ " + firstName + " |");
        out.println("|---|---:|---:|---:|---:|");
        for (PipelineBenchmark.Results run : runs) {
            out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f |%n", run.search().name().toLowerCase(Locale.ROOT),
                    run.catchUp().events(), run.catchUp().countedSeconds(), run.catchUp().searchableSeconds(),
                    run.catchUp().searchableSeconds() / first.catchUp().searchableSeconds());
        }
        out.println();
    }

    private void sustained(LoadResult sustained) {
        LoadResult.Latency all = sustained.overall();
        out.println("| what the API sustains | publishes/s | p50 ms | p99 ms | max ms | errors |");
        out.println("|---|---:|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %d |%n%n", sustained.name(),
                all.requestsPerSecond(), all.millisAt(50), all.millisAt(99), all.maxMillis(), sustained.totalErrors());
    }

    private void freshness(PipelineSettings settings, FreshnessPhase.Result idle, List<FreshnessPhase.Result> rates) {
        List<FreshnessPhase.Result> phases = new ArrayList<>(List.of(idle));
        phases.addAll(rates);
        out.println("| phase | target/s | achieved/s | POST /blogs p50 / p99 ms | errors | probes "
                + "| commit → on Kafka p50 / p99 / max ms | commit → counted p50 / p99 / max ms "
                + "| commit → searchable p50 / p99 / max ms |");
        out.println("|---|---:|---:|---|---:|---:|---|---|---|");
        for (FreshnessPhase.Result phase : phases) {
            out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", phase.name(),
                    backgroundCells(phase.targetRate(), phase.load()), phase.probes(), spread(phase.onKafkaMicros()),
                    spread(phase.countedMicros()), spread(phase.searchableMicros()));
        }
        out.println();
        out.println("| phase | on Kafka p50 / p99 × idle | counted p50 / p99 × idle "
                + "| searchable p50 / p99 × idle |");
        out.println("|---|---|---|---|");
        for (FreshnessPhase.Result phase : rates) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", phase.name(),
                    ratios(phase.onKafkaMicros(), idle.onKafkaMicros()),
                    ratios(phase.countedMicros(), idle.countedMicros()),
                    ratios(phase.searchableMicros(), idle.searchableMicros()));
        }
        out.println();
        out.printf(Locale.ROOT, "Probes: one at a time by their own author, %d ms apart, each polled every %d ms "
                + "(GET /users/{id} and GET /search) until counted and searchable; on Kafka is when a consumer of "
                + "all partitions in the bench received its event. Commit = the 201 of POST /blogs reached the "
                + "client.%n%n", FreshnessPhase.PROBE_PAUSE.toMillis(), settings.probePoll().toMillis());
        for (FreshnessPhase.Result phase : rates) {
            if (phase.load().errors() > 0) {
                out.printf("%s: %d publishes failed, the first: %s%n%n", phase.name(), phase.load().errors(),
                        phase.load().firstError());
            }
        }
    }

    private void catchUp(CatchUp.Result catchUp) {
        double publishRate = catchUp.published().perSecond();
        out.printf(Locale.ROOT, "| catch-up of %d blogs | seconds | events/s | ÷ publish rate |%n", catchUp.events());
        out.println("|---|---:|---:|---:|");
        out.printf(Locale.ROOT, "| published through the API while %s were stopped | %.1f | %.0f | 1.00 |%n",
                String.join(", ", catchUp.downstream()), catchUp.events() / publishRate, publishRate);
        drained("(a) every event on Kafka (end offsets), after the restart", catchUp.events(),
                catchUp.onKafkaSeconds(), publishRate);
        drained("(b) every author's total_blogs exact", catchUp.events(), catchUp.countedSeconds(), publishRate);
        drained("(c) every blog in the search index (GET /index)", catchUp.events(), catchUp.searchableSeconds(),
                publishRate);
        out.println();
        out.println("Ready (/q/health/ready) after the restart: " + catchUp.readySeconds().entrySet().stream()
                .map(ready -> String.format(Locale.ROOT, "%s %.1f s", ready.getKey(), ready.getValue()))
                .collect(Collectors.joining(", ")) + ". Drain times count from the restart, so they include the JVMs' start.");
        out.println();
    }

    private void drained(String what, int events, double seconds, double publishRate) {
        double rate = events / seconds;
        out.printf(Locale.ROOT, "| %s | %.1f | %.0f | %.2f |%n", what, seconds, rate, rate / publishRate);
    }

    private void memory(String highestRate, List<ResidentMemory.Usage> atRate, List<ResidentMemory.Usage> catchUp) {
        Map<String, ResidentMemory.Usage> catchUpByPart = catchUp.stream()
                .collect(Collectors.toMap(ResidentMemory.Usage::part, Function.identity()));
        out.printf(Locale.ROOT, "| resident memory, MiB | %s: peak (file-mapped at peak) / mean "
                + "| catch-up: peak (file-mapped at peak) / mean |%n", highestRate);
        out.println("|---|---:|---:|");
        for (ResidentMemory.Usage usage : atRate) {
            out.printf(Locale.ROOT, "| %s | %s | %s |%n", usage.part().equals("postgres")
                            ? "postgres (Pss, all its processes)" : usage.part() + " (VmRSS of its JVM)",
                    mib(usage), mib(catchUpByPart.get(usage.part())));
        }
        out.println();
    }

    private void cpu(PipelineBenchmark.Results results) {
        out.println("```");
        out.printf(Locale.ROOT, "%-24s CPU in cores: %s%n", "closed loop:", results.sustained().cpu().describe());
        List<FreshnessPhase.Result> phases = new ArrayList<>(List.of(results.idle()));
        phases.addAll(results.rates());
        for (FreshnessPhase.Result phase : phases) {
            out.printf(Locale.ROOT, "%-24s CPU in cores: %s (machine %.0f %% busy before)%n", phase.name() + ":",
                    phase.cpu().describe(), 100 * phase.busyBefore());
        }
        out.printf(Locale.ROOT, "%-24s CPU in cores: %s (machine %.0f %% busy before)%n", "catch-up drain:",
                results.catchUp().cpu().describe(), 100 * results.catchUp().busyBefore());
        out.println("```");
    }

    /** Target, achieved, POST latency and errors of the background publishes; none for the idle baseline. */
    private static String backgroundCells(int target, PublishLoad.Outcome load) {
        if (load == null) {
            return "0 | 0 | | ";
        }
        return String.format(Locale.ROOT, "%d | %.0f | %.1f / %.1f | %d", target, load.perSecond(),
                millis(load.latencyMicros(), 50), millis(load.latencyMicros(), 99), load.errors());
    }

    private static String mib(ResidentMemory.Usage usage) {
        if (usage == null || usage.samples() == 0) {
            return "n/a";
        }
        String fileMapped = usage.part().equals("postgres") ? ""
                : String.format(Locale.ROOT, " (%.0f)", usage.fileKibAtPeak() / KIB_PER_MIB);
        return String.format(Locale.ROOT, "%.0f%s / %.0f", usage.peakKib() / KIB_PER_MIB, fileMapped,
                usage.meanKib() / KIB_PER_MIB);
    }

    private static String spread(Histogram micros) {
        return micros.getTotalCount() == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f / %.0f / %.0f",
                millis(micros, 50), millis(micros, 99), micros.getMaxValue() / 1000.0);
    }

    private static String percentiles(Histogram micros) {
        return micros.getTotalCount() == 0 ? "n/a"
                : String.format(Locale.ROOT, "%.0f / %.0f", millis(micros, 50), millis(micros, 99));
    }

    private static String ratios(Histogram micros, Histogram idleMicros) {
        if (micros.getTotalCount() == 0 || idleMicros.getValueAtPercentile(50) == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f / %.1f", millis(micros, 50) / millis(idleMicros, 50),
                millis(micros, 99) / millis(idleMicros, 99));
    }

    private static double millis(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
