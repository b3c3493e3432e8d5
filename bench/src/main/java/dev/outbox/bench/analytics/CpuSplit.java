package dev.outbox.bench.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a window, in cores: this JVM (producer and probes), analytics-consumer,
 * Postgres, the Kafka broker, and everything else; on two shared cores the split explains the figures and shows
 * when outside work disturbed them. Linux only ({@code /proc}).
 */
final class CpuSplit {

    /** Average cores busy per part over a window. */
    record Share(double bench, double consumer, double postgres, double kafka, double rest) {

        String describe() {
            return String.format(Locale.ROOT, "bench %.2f, consumer %.2f, postgres %.2f, kafka %.2f, rest %.2f",
                    bench, consumer, postgres, kafka, rest);
        }
    }

    /** CPU consumed so far, machine-wide and per process of this run. */
    static final class Snapshot {
        private final long wallNanos = System.nanoTime();
        private final long machineBusyNanos = machineBusyNanos();
        private final Map<Long, Long> cpuNanosByPid = new HashMap<>();
        private final Map<Long, String> partByPid = new HashMap<>();

        Snapshot() {
            ProcessHandle self = ProcessHandle.current();
            Stream.concat(Stream.of(self), self.descendants()).forEach(process -> process.info().totalCpuDuration()
                    .ifPresent(cpu -> {
                        cpuNanosByPid.put(process.pid(), cpu.toNanos());
                        partByPid.put(process.pid(), partOf(process, self));
                    }));
        }

        /** Processes born during the window count in full; those that ended during it are missed. */
        Share until(Snapshot end) {
            Map<String, Long> nanosByPart = new HashMap<>();
            end.cpuNanosByPid.forEach((pid, cpu) -> nanosByPart.merge(end.partByPid.get(pid),
                    cpu - cpuNanosByPid.getOrDefault(pid, 0L), Long::sum));
            double wall = end.wallNanos - wallNanos;
            double ours = nanosByPart.values().stream().mapToLong(Long::longValue).sum();
            double machine = end.machineBusyNanos - machineBusyNanos;
            return new Share(nanosByPart.getOrDefault("bench", 0L) / wall,
                    nanosByPart.getOrDefault("consumer", 0L) / wall, nanosByPart.getOrDefault("postgres", 0L) / wall,
                    nanosByPart.getOrDefault("kafka", 0L) / wall, Math.max(0, machine - ours) / wall);
        }
    }

    /** USER_HZ, the unit of /proc/stat, is 100 on every mainstream Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(8);
    private static final double IDLE_FRACTION = 0.15;

    private CpuSplit() {
    }

    /**
     * Waits until the whole machine was less than 15 % busy over 8 s, at most {@code patience}; returns the busy
     * fraction of the last window, so the report can say when a measurement had to start on a busy machine.
     */
    static double awaitIdle(Duration patience) throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            long busyBefore = machineBusyNanos();
            long wallBefore = System.nanoTime();
            Thread.sleep(IDLE_WINDOW.toMillis());
            double busy = (double) (machineBusyNanos() - busyBefore) / ((System.nanoTime() - wallBefore) * cores);
            if (busy < IDLE_FRACTION || System.nanoTime() > until) {
                return busy;
            }
        }
    }

    private static String partOf(ProcessHandle process, ProcessHandle self) {
        if (process.pid() == self.pid()) {
            return "bench";
        }
        String command = process.info().command().orElse("");
        if (command.endsWith("/postgres")) {
            return "postgres";
        }
        if (process.info().arguments().map(args -> String.join(" ", args)).orElse("").contains("quarkus-run.jar")) {
            return "consumer";
        }
        // The broker is the one other JVM: its arguments (a long classpath) are not reliably readable from here.
        return command.endsWith("/java") ? "kafka" : "helpers";
    }

    /** The first line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks. */
    private static long machineBusyNanos() {
        try {
            String[] ticks = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(ticks[field]);
            }
            return busy * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read /proc/stat", e);
        }
    }
}
