package dev.outbox.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.embedded.process.QuarkusAppProcess;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/** The packaged relay as a real process, with its lag and readiness read as JSON. */
public final class RelayProcess implements AutoCloseable {

    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final QuarkusAppProcess app;

    private RelayProcess(QuarkusAppProcess app) {
        this.app = app;
    }

    /** Starts a relay process without waiting for it: for tests of start-up failures. */
    public static RelayProcess launch(String jdbcUrl, String user, String password, String bootstrapServers,
                                      Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("quarkus.datasource.jdbc.url", jdbcUrl);
        all.put("quarkus.datasource.username", user);
        all.put("quarkus.datasource.password", password);
        all.put("kafka.bootstrap.servers", bootstrapServers);
        return new RelayProcess(QuarkusAppProcess.launch("relay-" + STARTS.incrementAndGet(), all));
    }

    /** Waits until readiness answers 200: streaming, or standing by. */
    public RelayProcess awaitReady() {
        app.awaitReady();
        return this;
    }

    /** {@code active} or {@code standby}, as {@code GET /lag} reports it. */
    public String role() {
        return lag().get("role").asText();
    }

    /** The engine's state as {@code GET /lag} reports it: STARTING, STANDBY, STREAMING or STOPPED. */
    public String engineState() {
        return lag().at("/engine/state").asText();
    }

    /** SIGKILL, as a crash or an OOM kill would: no shutdown hook, no last offset commit. */
    public void kill() {
        app.kill();
    }

    /** SIGTERM and wait: the orderly shutdown an orchestrator asks for. */
    public void stop() {
        app.stop();
    }

    /** Where the relay's HTTP endpoints and status page are. */
    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    public boolean isAlive() {
        return app.isAlive();
    }

    public OptionalInt exitCode() {
        return app.exitCode();
    }

    public String log() throws IOException {
        return app.log();
    }

    public int status(String path) {
        return app.status(path);
    }

    /** {@code GET /lag} as JSON. */
    public JsonNode lag() {
        return json("/lag");
    }

    public String metrics() {
        return app.body("/q/metrics");
    }

    /** The data of the relay's own readiness check, whatever the readiness status. */
    public JsonNode readinessData() {
        for (JsonNode check : json("/q/health/ready").get("checks")) {
            if (check.get("name").asText().equals("outbox-relay")) {
                return check.get("data");
            }
        }
        throw new IllegalStateException("no outbox-relay readiness check");
    }

    private JsonNode json(String path) {
        try {
            return JSON.readTree(app.body(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
