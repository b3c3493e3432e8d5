package dev.outbox.embedded.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;


/**
 * A packaged Quarkus application as a real process on a free port, configured by system properties, so tests can
 * SIGKILL it mid-work and start it again and benchmarks can measure it apart from the load. A shell watchdog ties
 * it to this JVM's stdin pipe: the application gets SIGTERM when this JVM goes away, however that happens.
 */
public final class QuarkusAppProcess implements AutoCloseable {

    /** sh gives background jobs /dev/null as stdin, so the watcher reads the pipe through fd 3. */
    private static final String WATCHDOG = "exec 3<&0; \"$@\" < /dev/null & app=$!; "
            + "(cat <&3 > /dev/null; kill -TERM $app 2>/dev/null) & wait $app";
    /**
     * glibc gives each thread that allocates natively an arena of its own, up to eight per core; two keep that
     * allocation's resident share down (~10 MiB less per service at its peak, docs/benchmarks.md, "Memory"), as the
     * image does (deploy/Dockerfile).
     */
    private static final Map<String, String> NATIVE_MEMORY = Map.of("MALLOC_ARENA_MAX", "2");
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);
    /** Long enough for an orderly shutdown that commits the last offsets and dumps a JFR recording. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(40);
    private static final Path MODULE_JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final ChildProcess process;
    private final int port;

    private QuarkusAppProcess(String name, ChildProcess process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the module under test's {@code target/quarkus-app/quarkus-run.jar} with {@code settings} as system
     * properties, logging to {@code target/<name>.log}; does not wait for it.
     */
    public static QuarkusAppProcess launch(String name, Map<String, String> settings) {
        // C1 only, as the embedded broker: a service under test starts sooner and leaves the 2 cores to the test.
        return launch(name, MODULE_JAR, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), settings,
                Path.of("target", name + ".log"));
    }

    /** Starts {@code jar} with this JVM's java, logging to {@code log} (emptied first); does not wait for it. */
    public static QuarkusAppProcess launch(String name, Path jar, List<String> jvmOptions, Map<String, String> settings,
                                           Path log) {
        return launch(name, jar, jvmOptions, settings, log, LoopbackPorts.pick());
    }

    /** Starts {@code jar} listening on {@code port}, logging to {@code log} (emptied first); does not wait for it. */
    public static QuarkusAppProcess launch(String name, Path jar, List<String> jvmOptions, Map<String, String> settings,
                                           Path log, int port) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + name + " first");
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot empty " + log, e);
        }
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, name + "-watchdog",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dquarkus.http.port=" + port));
        command.addAll(jvmOptions);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        return new QuarkusAppProcess(name, ChildProcess.start(name, command, NATIVE_MEMORY, log), port);
    }

    public int port() {
        return port;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the end of the log if the process exits first. */
    public QuarkusAppProcess awaitReady() {
        return awaitReady(READY_DEADLINE);
    }

    public QuarkusAppProcess awaitReady(Duration deadline) {
        Poll.until(name + " ready on port " + port).atMost(deadline).every(Duration.ofMillis(200))
                .holds(() -> {
                    assertAlive();
                    return status("/q/health/ready") == 200;
                });
        return this;
    }

    /** Fails with the end of the log once the process has exited. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw process.failure(name + " exited", null);
        }
    }

    /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM and wait: the orderly shutdown an orchestrator asks for. */
    public void stop() {
        process.stop(STOP_GRACE);
    }

    /** SIGSTOP: the service keeps its connections and its warm JIT but runs nothing until {@link #resume}. */
    public void pause() {
        process.pause();
    }

    public void resume() {
        process.resume();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public OptionalInt exitCode() {
        return process.exitCode();
    }

    /** The watchdog shell and the JVM it runs, e.g. to read their resident memory. */
    public List<ProcessHandle> processTree() {
        return process.processTree();
    }

    public Path logFile() {
        return process.log();
    }

    public String log() throws IOException {
        return Files.readString(process.log());
    }

    /** The status of {@code GET path}, or -1 when nothing answers. */
    public int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** The body of {@code GET path}, whatever its status. */
    public String body(String path) {
        return get(path).body();
    }

    private HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
