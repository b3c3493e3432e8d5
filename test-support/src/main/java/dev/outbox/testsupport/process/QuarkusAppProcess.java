package dev.outbox.testsupport.process;

import java.io.IOException;
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

import static org.awaitility.Awaitility.await;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar} of the module under test) as a real
 * process, so tests can SIGKILL it mid-work and start it again. A shell watchdog ties it to the test JVM's stdin
 * pipe: the application gets SIGTERM when the test JVM goes away, however that happens.
 */
public final class QuarkusAppProcess implements AutoCloseable {

    /** sh gives background jobs /dev/null as stdin, so the watcher reads the pipe through fd 3. */
    private static final String WATCHDOG = "exec 3<&0; \"$@\" < /dev/null & app=$!; "
            + "(cat <&3 > /dev/null; kill -TERM $app 2>/dev/null) & wait $app";
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);
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
     * Starts {@code target/quarkus-app/quarkus-run.jar} on a free HTTP port with {@code settings} as system
     * properties, logging to {@code target/<name>.log}; does not wait for it.
     */
    public static QuarkusAppProcess launch(String name, Map<String, String> settings) {
        int port = LoopbackPorts.pick();
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, name + "-watchdog",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.http.port=" + port));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        return new QuarkusAppProcess(name, ChildProcess.start(name, command, Path.of("target", name + ".log")), port);
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the end of the log if the process exits first. */
    public QuarkusAppProcess awaitReady() {
        await(name + " ready on port " + port).atMost(READY_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw process.failure(name + " exited before it was ready", null);
                    }
                    return status("/q/health/ready") == 200;
                });
        return this;
    }

    /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM and wait: the orderly shutdown an orchestrator asks for. */
    public void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public OptionalInt exitCode() {
        return process.exitCode();
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
