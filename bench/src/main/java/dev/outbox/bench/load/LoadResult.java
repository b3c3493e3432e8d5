package dev.outbox.bench.load;

import dev.outbox.bench.machine.CpuSplit;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;

/**
 * What one phase measured: the latencies of the requests that started inside the measured window, per kind of
 * request, plus every success and error of the whole phase (warm-up included), which the system under test must
 * account for, and where the CPU went while it was measured.
 */
public record LoadResult(String name, Map<String, Latency> byKind, Latency overall, long totalSuccesses,
                         long totalErrors, String firstError, CpuSplit.Share cpu) {

    /** The measured requests of one kind, or of all. */
    public record Latency(Histogram nanos, Duration measured) {

        public double requestsPerSecond() {
            return nanos.getTotalCount() / (measured.toNanos() / 1e9);
        }

        public double millisAt(double percentile) {
            return nanos.getValueAtPercentile(percentile) / 1e6;
        }

        public double maxMillis() {
            return nanos.getMaxValue() / 1e6;
        }

        public double meanMillis() {
            return nanos.getMean() / 1e6;
        }
    }
}
