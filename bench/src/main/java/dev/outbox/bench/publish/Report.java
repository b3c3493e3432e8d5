package dev.outbox.bench.publish;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import dev.outbox.bench.load.LoadResult;
import dev.outbox.bench.machine.Machine;

/** Prints the context of a run and its figures as a Markdown table, ready to paste into docs/benchmarks.md. */
final class Report {

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    void context(BenchSettings settings, String server) {
        Machine.printHeader(out, "same for both apps and the load generator");
        out.printf(Locale.ROOT, "Database: %s%n", server);
        out.printf(Locale.ROOT, "Settings: %s%n", settings.describe());
        out.println();
    }

    void table(LoadResult outbox, LoadResult synchronous, LoadResult raw) {
        List<LoadResult> paths = List.of(outbox, synchronous, raw);
        out.println("| path | publishes/s | p50 ms | p99 ms | p99.9 ms | max ms | errors |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (LoadResult result : paths) {
            out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %d |%n", result.name(),
                    result.overall().requestsPerSecond(), result.overall().millisAt(50),
                    result.overall().millisAt(99), result.overall().millisAt(99.9), result.overall().maxMillis(),
                    result.totalErrors());
        }
        out.printf(Locale.ROOT, "%nThroughput: outbox / raw %.2f, synchronous / raw %.2f, outbox / synchronous %.2f%n",
                throughputRatio(outbox, raw), throughputRatio(synchronous, raw), throughputRatio(outbox, synchronous));
        for (LoadResult result : paths) {
            out.printf(Locale.ROOT, "%s: CPU in cores: %s%n", result.name(), result.cpu().describe());
        }
    }

    private static double throughputRatio(LoadResult numerator, LoadResult denominator) {
        return numerator.overall().requestsPerSecond() / denominator.overall().requestsPerSecond();
    }

    void line(String text) {
        out.println(text);
    }
}
