package dev.outbox.testsupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.outbox.testsupport.process.WorkDirectory;

class NoOrphanProcessesIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final Duration CLEANUP_DEADLINE = Duration.ofSeconds(30);

    @Test
    void serversDieWhenTheJvmThatStartedThemIsKilled() throws Exception {
        Path probeLog = WorkDirectory.newInstanceDirectory("orphan-probe").resolve("probe.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + WorkDirectory.PROPERTY + "=" + WorkDirectory.root());
        // The same route for PostgreSQL as this JVM's, when one is forced.
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("outbox.test.") && !name.equals(WorkDirectory.PROPERTY))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OrphanProbe.class.getName()));
        Process probe = new ProcessBuilder(command).redirectError(probeLog.toFile()).start();
        try {
            List<ProcessHandle> started = startedProcesses(probe, probeLog);
            assertTrue(started.stream().anyMatch(process -> executable(process).endsWith("/bin/postgres")), "a postgres process");
            assertTrue(started.stream().anyMatch(process -> executable(process).endsWith("/bin/java")), "a broker JVM");

            probe.destroyForcibly(); // SIGKILL: no shutdown hook runs in the probe
            assertTrue(probe.waitFor(CLEANUP_DEADLINE.toSeconds(), TimeUnit.SECONDS));

            await("every process the killed JVM started to exit").atMost(CLEANUP_DEADLINE)
                    .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            probe.destroyForcibly();
            deleteInstanceDirectoriesOf(probe.pid());
        }
    }

    /** A killed JVM deletes nothing: its servers' data would pile up in target/ run after run. The logs stay. */
    private static void deleteInstanceDirectoriesOf(long pid) throws IOException {
        for (String kind : List.of("embedded-pg", "embedded-kafka")) {
            try (Stream<Path> dirs = Files.list(WorkDirectory.root().resolve(kind))) {
                dirs.filter(dir -> dir.getFileName().toString().startsWith(pid + "-"))
                        .forEach(dir -> WorkDirectory.deleteRecursively(dir.resolve("data")));
            }
        }
    }

    private static List<ProcessHandle> startedProcesses(Process probe, Path probeLog) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> readReadyLine(output))
                .get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                .orElseThrow(() -> new AssertionError("The probe exited before starting its servers; see " + probeLog));
        List<ProcessHandle> started = Arrays.stream(line.substring(OrphanProbe.READY.length()).trim().split(" "))
                .map(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .flatMap(Optional::stream)
                .toList();
        assertTrue(started.size() >= 4, "postgres watchdog, postmaster, its workers and the broker: " + line);
        return started;
    }

    private static Optional<String> readReadyLine(BufferedReader output) {
        return output.lines().filter(line -> line.startsWith(OrphanProbe.READY)).findFirst();
    }

    private static String executable(ProcessHandle process) {
        return process.info().command().orElse("");
    }
}
