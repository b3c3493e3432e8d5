package dev.outbox.bench.pipeline;

import dev.outbox.local.LocalPipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The resident memory of each part of the pipeline, sampled once a second on its own thread while a phase runs: each
 * service's JVM and Kafka's JVM by VmRSS, Postgres by Pss summed over its processes (RSS would count the shared
 * buffers once per backend). A part that is stopped has no sample. Linux only ({@code /proc}).
 */
final class ResidentMemory {

    /** One part's samples, in KiB. */
    record Usage(String part, long peakKib, double meanKib, int samples) {
    }

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final LocalPipeline pipeline;
    private final List<String> services;
    private final Map<String, List<Long>> samplesByPart = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ResidentMemory(LocalPipeline pipeline, List<String> services) {
        this.pipeline = pipeline;
        this.services = services;
        Stream.concat(services.stream(), Stream.of("postgres", "kafka"))
                .forEach(part -> samplesByPart.put(part, new ArrayList<>()));
        thread = new Thread(this::sampleEverySecond, "resident-memory");
        thread.setDaemon(true);
    }

    /** Starts sampling {@code services} and Postgres and Kafka. */
    static ResidentMemory sample(LocalPipeline pipeline, List<String> services) {
        ResidentMemory memory = new ResidentMemory(pipeline, services);
        memory.thread.start();
        return memory;
    }

    /** Stops sampling; every part's peak and mean over its samples. */
    List<Usage> stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        List<Usage> usages = new ArrayList<>();
        samplesByPart.forEach((part, samples) -> usages.add(new Usage(part,
                samples.stream().mapToLong(Long::longValue).max().orElse(0),
                samples.stream().mapToLong(Long::longValue).average().orElse(0), samples.size())));
        return usages;
    }

    private void sampleEverySecond() {
        while (running) {
            for (String service : services) {
                record(service, jvmKib(pipeline.process(service).processTree()));
            }
            record("kafka", jvmKib(pipeline.partProcesses("kafka")));
            record("postgres", postgresKib(pipeline.partProcesses("postgres")));
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void record(String part, OptionalLong kib) {
        kib.ifPresent(sample -> samplesByPart.get(part).add(sample));
    }

    /** The VmRSS of the JVM among a watchdog shell and its children; empty when it is not running. */
    private static OptionalLong jvmKib(List<ProcessHandle> tree) {
        return tree.stream().filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().orElse("").endsWith("/java"))
                .flatMapToLong(process -> kibField(process.pid(), "status", "VmRSS:").stream())
                .findFirst();
    }

    /** The postmaster's and every backend's proportional share of the memory they use, summed. */
    private static OptionalLong postgresKib(List<ProcessHandle> tree) {
        LongSummaryStatistics pss = tree.stream()
                .filter(process -> process.info().command().orElse("").endsWith("/postgres"))
                .flatMapToLong(process -> kibField(process.pid(), "smaps_rollup", "Pss:").stream())
                .summaryStatistics();
        return pss.getCount() == 0 ? OptionalLong.empty() : OptionalLong.of(pss.getSum());
    }

    /** A {@code Name: value kB} line of {@code /proc/<pid>/<file>}; empty when the process has gone meanwhile. */
    private static OptionalLong kibField(long pid, String file, String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), file))) {
            return lines.filter(line -> line.startsWith(name)).findFirst()
                    .map(line -> OptionalLong.of(Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0])))
                    .orElse(OptionalLong.empty());
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
