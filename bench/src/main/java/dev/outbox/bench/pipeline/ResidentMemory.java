package dev.outbox.bench.pipeline;

import dev.outbox.local.LocalPipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The resident memory of each part of the pipeline, sampled once a second on its own thread while a phase runs: each
 * service's JVM and Kafka's JVM by VmRSS, with the part of it that maps files (RssFile: the JVM's own libraries and
 * class archive, and search-indexer's memory-mapped Lucene segments, which are page cache the kernel can take back),
 * Postgres by Pss summed over its processes (RSS would count the shared buffers once per backend). A part that is
 * stopped has no sample. Linux only ({@code /proc}).
 */
final class ResidentMemory {

    /** One part's samples, in KiB; {@code fileKibAtPeak} is the file-mapped part of the peak sample (0 for Postgres). */
    record Usage(String part, long peakKib, long fileKibAtPeak, double meanKib, int samples) {
    }

    /** One reading of one part, in KiB. */
    private record Sample(long residentKib, long fileKib) {
    }

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final LocalPipeline pipeline;
    private final List<String> services;
    private final Map<String, List<Sample>> samplesByPart = new LinkedHashMap<>();
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
        samplesByPart.forEach((part, samples) -> {
            Sample peak = samples.stream().max(Comparator.comparingLong(Sample::residentKib)).orElse(new Sample(0, 0));
            usages.add(new Usage(part, peak.residentKib(), peak.fileKib(),
                    samples.stream().mapToLong(Sample::residentKib).average().orElse(0), samples.size()));
        });
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

    private void record(String part, Optional<Sample> sample) {
        sample.ifPresent(samplesByPart.get(part)::add);
    }

    /** VmRSS and RssFile of the JVM among a watchdog shell and its children, read together; empty when it is not running. */
    private static Optional<Sample> jvmKib(List<ProcessHandle> tree) {
        return tree.stream().filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().orElse("").endsWith("/java"))
                .findFirst()
                .flatMap(process -> {
                    Map<String, Long> status = kibFields(process.pid(), "status");
                    return status.containsKey("VmRSS")
                            ? Optional.of(new Sample(status.get("VmRSS"), status.getOrDefault("RssFile", 0L)))
                            : Optional.empty();
                });
    }

    /** The postmaster's and every backend's proportional share of the memory they use, summed. */
    private static Optional<Sample> postgresKib(List<ProcessHandle> tree) {
        LongSummaryStatistics pss = tree.stream()
                .filter(process -> process.info().command().orElse("").endsWith("/postgres"))
                .map(process -> kibFields(process.pid(), "smaps_rollup").get("Pss"))
                .filter(Objects::nonNull)
                .mapToLong(Long::longValue)
                .summaryStatistics();
        return pss.getCount() == 0 ? Optional.empty() : Optional.of(new Sample(pss.getSum(), 0));
    }

    /** The {@code Name: value kB} lines of {@code /proc/<pid>/<file>} by name; empty when the process has gone. */
    private static Map<String, Long> kibFields(long pid, String file) {
        Map<String, Long> fields = new HashMap<>();
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), file))) {
            lines.filter(line -> line.endsWith(" kB")).forEach(line -> {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon).trim(),
                        Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
            });
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
        return fields;
    }
}
