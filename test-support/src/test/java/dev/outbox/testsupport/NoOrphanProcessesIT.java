package dev.outbox.testsupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import dev.outbox.embedded.process.WorkDirectory;


class NoOrphanProcessesIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(120);
    private static final Duration CLEANUP_DEADLINE = Duration.ofSeconds(30);
    private static final String BROKER_MAIN = "dev.outbox.embedded.kafka.BrokerMain";
    private static final String NODE_MAIN = "dev.outbox.opensearch.NodeMain";

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
            BufferedReader output = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
            String openSearchUrl = line(output, OrphanProbe.OPENSEARCH, probeLog);
            List<ProcessHandle> started = startedProcesses(line(output, OrphanProbe.READY, probeLog));
            assertTrue(started.stream().anyMatch(process -> executable(process).endsWith("/bin/postgres")), "a postgres process");
            assertTrue(started.stream().anyMatch(process -> arguments(process).contains(BROKER_MAIN)), "a broker JVM");
            assertTrue(started.stream().anyMatch(process -> arguments(process).contains(NODE_MAIN)), "an OpenSearch JVM");
            assertTrue(rootAnswer(openSearchUrl).contains("\"number\" : \"2.19.1\""), "OpenSearch 2.19.1 answers");

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
        for (String kind : List.of("embedded-pg", "embedded-kafka", "embedded-opensearch")) {
            Path root = WorkDirectory.root().resolve(kind);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.filter(dir -> dir.getFileName().toString().startsWith(pid + "-"))
                        .forEach(dir -> {
                            WorkDirectory.deleteRecursively(dir.resolve("data"));
                            WorkDirectory.deleteRecursively(dir.resolve("home").resolve("node_1").resolve("data"));
                        });
            }
        }
    }

    /** The next line of the probe's output that starts with {@code prefix}, without the prefix. */
    private static String line(BufferedReader output, String prefix, Path probeLog) throws Exception {
        return CompletableFuture.supplyAsync(() -> output.lines().filter(line -> line.startsWith(prefix)).findFirst())
                .get(START_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                .map(line -> line.substring(prefix.length()).trim())
                .orElseThrow(() -> new AssertionError("The probe exited before starting its servers; see " + probeLog));
    }

    private static List<ProcessHandle> startedProcesses(String pids) {
        List<ProcessHandle> started = Arrays.stream(pids.split(" "))
                .map(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .flatMap(Optional::stream)
                .toList();
        assertTrue(started.size() >= 5, "postgres watchdog, postmaster, its workers, the broker and OpenSearch: " + pids);
        return started;
    }

    private static String rootAnswer(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** From /proc: {@code ProcessHandle.Info} leaves out the arguments of a command line as long as a JVM's classpath. */
    private static String arguments(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static String executable(ProcessHandle process) {
        return process.info().command().orElse("");
    }
}
