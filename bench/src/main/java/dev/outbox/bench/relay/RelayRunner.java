package dev.outbox.bench.relay;

import dev.outbox.testsupport.process.ChildProcess;
import dev.outbox.testsupport.process.LoopbackPorts;

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

/** The packaged cdc-relay as a separate JVM with default JVM flags, configured by system properties. */
final class RelayRunner implements AutoCloseable {

    static final Path JAR = Path.of("cdc-relay/target/quarkus-app/quarkus-run.jar");
    /**
     * ChildProcess stops a child by closing its stdin, which Quarkus never reads: this shell turns end-of-file into
     * SIGTERM (an orderly shutdown that commits the last offsets). Background jobs get /dev/null as stdin, hence fd 3.
     */
    private static final String STOP_ON_EOF = "exec 3<&0; \"$@\" < /dev/null & relay=$!; "
            + "(cat <&3 > /dev/null; kill -TERM $relay 2>/dev/null) & wait $relay";
    private static final Duration STOP_GRACE = Duration.ofSeconds(40);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ChildProcess process;
    private final int port;

    private RelayRunner(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static RelayRunner launch(Map<String, String> properties, Path log) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: package cdc-relay first (bench/relay.sh does)");
        }
        int port = LoopbackPorts.pick();
        List<String> command = new ArrayList<>(List.of("sh", "-c", STOP_ON_EOF, "relay-watchdog",
                ProcessHandle.current().info().command().orElse("java"), "-Dquarkus.http.port=" + port));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        return new RelayRunner(ChildProcess.start("cdc-relay", command, log), port);
    }

    void awaitReady(Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (status("/q/health/ready") != 200) {
            if (!process.isAlive() || System.nanoTime() > until) {
                throw process.failure("the relay was not ready within " + deadline, null);
            }
            Thread.sleep(200);
        }
    }

    void assertAlive() {
        if (!process.isAlive()) {
            throw process.failure("the relay exited", null);
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
