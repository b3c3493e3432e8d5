package dev.outbox.bench.process;

import dev.outbox.testsupport.process.ChildProcess;
import dev.outbox.testsupport.process.LoopbackPorts;

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

/** A packaged Quarkus application as a separate JVM on a free port, configured by system properties. */
public final class QuarkusApp implements AutoCloseable {

    /**
     * ChildProcess stops a child by closing its stdin, which Quarkus never reads: this shell turns end-of-file into
     * SIGTERM (an orderly shutdown, which commits the last offsets and dumps a JFR recording), also when this JVM
     * dies. A background job gets /dev/null as stdin, hence the pipe kept on fd 3.
     */
    private static final String STOP_ON_EOF = "exec 3<&0; \"$@\" < /dev/null & app=$!; "
            + "(cat <&3 > /dev/null; kill -TERM $app 2>/dev/null) & wait $app";
    private static final Duration STOP_GRACE = Duration.ofSeconds(40);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final ChildProcess process;
    private final int port;

    private QuarkusApp(String name, ChildProcess process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /** Starts {@code jar} with the bench's own java, logging to {@code log} (emptied first); does not wait for it. */
    public static QuarkusApp launch(String name, Path jar, List<String> jvmOptions, Map<String, String> properties,
                                    Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + name + " first (its bench/*.sh does)");
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot empty " + log, e);
        }
        int port = LoopbackPorts.pick();
        List<String> command = new ArrayList<>(List.of("sh", "-c", STOP_ON_EOF, name + "-watchdog",
                ProcessHandle.current().info().command().orElse("java"), "-Dquarkus.http.port=" + port));
        command.addAll(jvmOptions);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        return new QuarkusApp(name, ChildProcess.start(name, command, log), port);
    }

    public int port() {
        return port;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the end of the log on exit or at the deadline. */
    public void awaitReady(Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (status("/q/health/ready") != 200) {
            assertAlive();
            if (System.nanoTime() > until) {
                throw process.failure(name + " was not ready within " + deadline, null);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    public void assertAlive() {
        if (!process.isAlive()) {
            throw process.failure(name + " exited", null);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        process.stop(STOP_GRACE);
    }
}
