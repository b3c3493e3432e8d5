package dev.outbox.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * The packaged relay ({@code target/quarkus-app/quarkus-run.jar}) as a real process, so tests can kill it with
 * SIGKILL mid-stream and start it again. A shell watchdog ties it to the test JVM's stdin pipe: it gets SIGTERM
 * when the test JVM goes away, however that happens.
 */
public final class RelayProcess implements AutoCloseable {

    /** sh gives background jobs /dev/null as stdin, so the watcher reads the pipe through fd 3. */
    private static final String WATCHDOG = "exec 3<&0; \"$@\" < /dev/null & relay=$!; "
            + "(cat <&3 > /dev/null; kill -TERM $relay 2>/dev/null) & wait $relay";
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildProcess process;
    private final int port;

    private RelayProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a relay with {@code settings} as system properties and waits until it is ready. */
    public static RelayProcess start(RelayDatabase database, String bootstrapServers, Map<String, String> settings) {
        RelayProcess relay = launch(database.jdbcUrl(), database.username(), database.password(), bootstrapServers,
                settings);
        relay.awaitReady();
        return relay;
    }

    /** Starts a relay process without waiting for it: for tests of start-up failures. */
    public static RelayProcess launch(String jdbcUrl, String user, String password, String bootstrapServers,
                                      Map<String, String> settings) {
        int port = LoopbackPorts.pick();
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "relay-watchdog",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl);
        command.add("-Dquarkus.datasource.username=" + user);
        command.add("-Dquarkus.datasource.password=" + password);
        command.add("-Dkafka.bootstrap.servers=" + bootstrapServers);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        Path log = Path.of("target", "relay-" + STARTS.incrementAndGet() + ".log");
        return new RelayProcess(ChildProcess.start("relay", command, log), port);
    }

    public void awaitReady() {
        await("relay ready on port " + port).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw process.failure("the relay exited before it was ready", null);
                    }
                    return status("/q/health/ready") == 200;
                });
    }

    /** SIGKILL, as a crash or an OOM kill would: no shutdown hook, no last offset commit. */
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

    /** The data of the relay's own readiness check, whatever the readiness status. */
    public JsonNode readinessData() {
        try {
            for (JsonNode check : JSON.readTree(get("/q/health/ready").body()).get("checks")) {
                if (check.get("name").asText().equals("outbox-relay")) {
                    return check.get("data");
                }
            }
            throw new IllegalStateException("no outbox-relay readiness check");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /lag} as JSON. */
    public JsonNode lag() {
        try {
            return JSON.readTree(get("/lag").body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String metrics() {
        return get("/q/metrics").body();
    }

    public String log() throws IOException {
        return Files.readString(process.log());
    }

    public int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IllegalStateException e) {
            return -1;
        }
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
