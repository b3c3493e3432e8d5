package dev.outbox.bench.publish;

import java.time.Duration;

import dev.outbox.bench.machine.CpuSplit;
import org.HdrHistogram.Histogram;

/**
 * What one phase measured: publishes that started inside the measured window and their latencies, plus every
 * success and error of the whole phase (warm-up included), which the database must account for, and where the CPU
 * went while it was measured.
 */
record LoadResult(String name, long measuredPublishes, Duration measured, Histogram latencyNanos,
                  long totalSuccesses, long totalErrors, String firstError, CpuSplit.Share cpu) {

    double publishesPerSecond() {
        return measuredPublishes / (measured.toNanos() / 1e9);
    }

    double millisAt(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMillis() {
        return latencyNanos.getMaxValue() / 1e6;
    }
}
