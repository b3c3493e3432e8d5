package dev.outbox.bench.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a window, in cores: this JVM, each named part of the run among its child
 * processes, and everything else. On a small shared machine these compete, so the split explains the figures and
 * shows when outside work disturbed them. Linux only ({@code /proc/stat}).
 */
public final class CpuSplit {

    /** Child processes told apart by their executable, arguments or identity; the first part that matches wins. */
    public record Part(String name, Predicate<ProcessHandle> matches) {

        public static Part executable(String name, String pathSuffix) {
            return new Part(name, process -> process.info().command().orElse("").endsWith(pathSuffix));
        }

        /** Linux shows no arguments of a command line longer than a page (a long classpath): see {@link #among}. */
        public static Part argument(String name, String text) {
            return new Part(name, process -> process.info().arguments().map(args -> String.join(" ", args))
                    .orElse("").contains(text));
        }

        /** The processes {@code processes} holds when a snapshot is taken, known by their pid. */
        public static Part among(String name, Collection<ProcessHandle> processes) {
            return new Part(name, process -> processes.stream().anyMatch(known -> known.pid() == process.pid()));
        }
    }

    /** Average cores busy per part over a window, this JVM first and the rest of the machine last. */
    public record Share(Map<String, Double> coresByPart, double seconds) {

        public double cores(String part) {
            return coresByPart.getOrDefault(part, 0.0);
        }

        /** CPU time the part used over the window. */
        public double cpuSeconds(String part) {
            return cores(part) * seconds;
        }

        public String describe() {
            return coresByPart.entrySet().stream()
                    .map(part -> String.format(Locale.ROOT, "%s %.2f", part.getKey(), part.getValue()))
                    .collect(Collectors.joining(", "));
        }
    }

    /** CPU consumed so far, machine-wide and per process of this run. */
    public final class Snapshot {
        private final long wallNanos = System.nanoTime();
        private final long machineBusyNanos = machineBusyNanos();
        private final Map<Long, Long> cpuNanosByPid = new HashMap<>();
        private final Map<Long, String> partByPid = new HashMap<>();

        private Snapshot() {
            ProcessHandle self = ProcessHandle.current();
            Stream.concat(Stream.of(self), self.descendants()).forEach(process -> process.info().totalCpuDuration()
                    .ifPresent(cpu -> {
                        cpuNanosByPid.put(process.pid(), cpu.toNanos());
                        partByPid.put(process.pid(), process.pid() == self.pid() ? selfName : partOf(process));
                    }));
        }

        /** Processes born during the window count in full; those that ended during it are missed. */
        public Share until(Snapshot end) {
            Map<String, Long> nanosByPart = new HashMap<>();
            end.cpuNanosByPid.forEach((pid, cpu) -> nanosByPart.merge(end.partByPid.get(pid),
                    cpu - cpuNanosByPid.getOrDefault(pid, 0L), Long::sum));
            double wall = end.wallNanos - wallNanos;
            double ours = nanosByPart.values().stream().mapToLong(Long::longValue).sum();
            double machine = end.machineBusyNanos - machineBusyNanos;
            Map<String, Double> cores = new LinkedHashMap<>();
            cores.put(selfName, nanosByPart.getOrDefault(selfName, 0L) / wall);
            parts.forEach(part -> cores.put(part.name(), nanosByPart.getOrDefault(part.name(), 0L) / wall));
            cores.put(restName, Math.max(0, machine - ours) / wall);
            return new Share(cores, wall / 1e9);
        }
    }

    /** USER_HZ, the unit of /proc/stat, is 100 on every mainstream Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(8);
    private static final double IDLE_FRACTION = 0.15;
    /** Children no part claims (shells, cat): theirs is not the rest of the machine, nor worth a figure. */
    private static final String UNNAMED = "";

    private final String selfName;
    private final List<Part> parts;
    private final String restName;

    public CpuSplit(String selfName, List<Part> parts, String restName) {
        this.selfName = selfName;
        this.parts = List.copyOf(parts);
        this.restName = restName;
    }

    public Snapshot snapshot() {
        return new Snapshot();
    }

    /**
     * Waits until the whole machine was less than 15 % busy over 8 s, at most {@code patience}; returns the busy
     * fraction of the last window, so the report can say when a measurement had to start on a busy machine.
     */
    public static double awaitIdle(Duration patience) throws InterruptedException {
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

    private String partOf(ProcessHandle process) {
        return parts.stream().filter(part -> part.matches().test(process)).map(Part::name).findFirst().orElse(UNNAMED);
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
