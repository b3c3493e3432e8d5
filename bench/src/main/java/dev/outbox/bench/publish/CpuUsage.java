package dev.outbox.bench.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a measured window: this JVM (the load generator), blog-app, all Postgres
 * processes, and everything else on the machine, in cores. On a small machine these compete, so the split explains
 * the figures and shows when something outside the run disturbed them. Linux only ({@code /proc/stat}).
 */
final class CpuUsage {

    /** Average cores busy per part over the window. */
    record Share(double loadGenerator, double blogApp, double postgres, double otherProcesses) {

        String describe() {
            return String.format(Locale.ROOT,
                    "CPU in cores: load generator %.2f, blog-app %.2f, postgres %.2f, rest of the machine %.2f",
                    loadGenerator, blogApp, postgres, otherProcesses);
        }
    }

    /** CPU consumed so far, machine-wide and per process of this run. */
    static final class Snapshot {
        private final long wallNanos = System.nanoTime();
        private final long machineBusyNanos = machineBusyNanos();
        private final Map<Long, Long> cpuNanosByPid = new HashMap<>();
        private final Map<Long, String> partByPid = new HashMap<>();

        private Snapshot() {
            ProcessHandle self = ProcessHandle.current();
            Stream.concat(Stream.of(self), self.descendants()).forEach(process -> process.info().totalCpuDuration()
                    .ifPresent(cpu -> {
                        cpuNanosByPid.put(process.pid(), cpu.toNanos());
                        partByPid.put(process.pid(), partOf(process, self));
                    }));
        }
    }

    /** USER_HZ, the unit of /proc/stat, is 100 on every mainstream Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuUsage() {
    }

    static Snapshot snapshot() {
        return new Snapshot();
    }

    /** Processes born during the window count in full; those that ended during it are missed (few, short). */
    static Share between(Snapshot start, Snapshot end) {
        Map<String, Long> nanosByPart = new HashMap<>();
        end.cpuNanosByPid.forEach((pid, cpu) -> nanosByPart.merge(end.partByPid.get(pid),
                cpu - start.cpuNanosByPid.getOrDefault(pid, 0L), Long::sum));
        double wall = end.wallNanos - start.wallNanos;
        double ours = nanosByPart.values().stream().mapToLong(Long::longValue).sum();
        double machine = end.machineBusyNanos - start.machineBusyNanos;
        return new Share(nanosByPart.getOrDefault("bench", 0L) / wall, nanosByPart.getOrDefault("blog-app", 0L) / wall,
                nanosByPart.getOrDefault("postgres", 0L) / wall, Math.max(0, machine - ours) / wall);
    }

    private static String partOf(ProcessHandle process, ProcessHandle self) {
        if (process.pid() == self.pid()) {
            return "bench";
        }
        String command = process.info().command().orElse("");
        if (command.endsWith("/postgres")) {
            return "postgres";
        }
        return process.info().arguments().map(args -> String.join(" ", args)).orElse("").contains("quarkus-run.jar")
                ? "blog-app" : "helpers";
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
