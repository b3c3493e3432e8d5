package dev.outbox.bench.analytics;

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

/** The packaged analytics-consumer as a separate JVM with default JVM flags, configured by system properties. */
final class ConsumerProcess implements AutoCloseable {

    /** analytics.sh copies the packaged app here, so a rebuild of the module cannot change it under a running run. */
    static final Path JAR = Path.of("bench/target/analytics-consumer-app/quarkus-run.jar");
    /**
     * ChildProcess stops a child by closing its stdin, which Quarkus never reads: this shell turns end-of-file into
     * SIGTERM, an orderly shutdown. A background job gets /dev/null as stdin, hence the pipe kept on fd 3.
     */
    private static final String STOP_ON_EOF = "exec 3<&0; \"$@\" < /dev/null & app=$!; "
            + "(cat <&3 > /dev/null; kill -TERM $app 2>/dev/null) & wait $app";
    private static final Duration STOP_GRACE = Duration.ofSeconds(40);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ChildProcess process;
    private final int port;

    private ConsumerProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static ConsumerProcess launch(Map<String, String> properties, Path log) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: package analytics-consumer (bench/analytics.sh does)");
        }
        int port = LoopbackPorts.pick();
        List<String> command = new ArrayList<>(List.of("sh", "-c", STOP_ON_EOF, "analytics-watchdog",
                ProcessHandle.current().info().command().orElse("java"), "-Dquarkus.http.port=" + port));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        return new ConsumerProcess(ChildProcess.start("analytics-consumer", command, log), port);
    }

    /** Ready once it owns partitions and reaches the database (its readiness check). */
    void awaitReady(Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (status("/q/health/ready") != 200) {
            assertAlive();
            if (System.nanoTime() > until) {
                throw process.failure("analytics-consumer was not ready within " + deadline, null);
            }
            Thread.sleep(200);
        }
    }

    void assertAlive() {
        if (!process.isAlive()) {
            throw process.failure("analytics-consumer exited", null);
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
