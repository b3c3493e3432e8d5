package dev.outbox.embedded.opensearch;


import dev.outbox.embedded.process.ChildProcess;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.Poll;
import dev.outbox.embedded.process.RecordedClasspath;
import dev.outbox.embedded.process.WorkDirectory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


/**
 * A real OpenSearch 2.19 node (module {@code opensearch-node}) in a child JVM tied to this one by its standard input:
 * HTTP and transport on free loopback ports kept across restarts, data under
 * {@code <workdir>/embedded-opensearch/<instance>/home}, its output in {@code node.log} beside it.
 */
public final class EmbeddedOpenSearch implements OpenSearchServer {

    private static final String HOST = "127.0.0.1";
    private static final String MAIN_CLASS = "dev.outbox.opensearch.NodeMain";
    private static final String CLASSPATH_RESOURCE = "/dev/outbox/opensearch/node.classpath";
    /* Measured 6-8 s on two idle cores; a loaded machine takes several times that. */
    private static final Duration READY_DEADLINE = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int BIND_ATTEMPTS = 3;
    /**
     * C1 only and the serial collector, as for the broker: a faster start and fewer threads on two cores. Public for
     * the benchmarks, which print it next to their figures.
     */
    public static final List<String> JVM_OPTIONS = List.of(
            "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8");

    private final Path instanceDir;
    private final Path home;
    private final Path log;
    private final String clusterName;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final boolean portsPicked;
    private volatile int httpPort;
    private volatile int transportPort;
    private boolean startedBefore;
    private ChildProcess process;

    /** Prepares an instance; nothing runs until {@link #start()}. */
    public EmbeddedOpenSearch() {
        this.instanceDir = WorkDirectory.newInstanceDirectory("embedded-opensearch");
        this.home = instanceDir.resolve("home");
        this.log = instanceDir.resolve("node.log");
        this.clusterName = "outbox-test-" + instanceDir.getFileName();
        this.portsPicked = true;
        pickPorts();
    }

    /**
     * A node in {@code instanceDir} on fixed ports whose data outlives this object: {@link #start()} reuses what an
     * earlier run left there (never {@link #close()} it, which deletes the data). For the local pipeline.
     */
    public EmbeddedOpenSearch(Path instanceDir, int httpPort, int transportPort) {
        this.instanceDir = WorkDirectory.publicDirectory(instanceDir);
        this.home = this.instanceDir.resolve("home");
        this.log = this.instanceDir.resolve("node.log");
        this.clusterName = "outbox-local";
        this.portsPicked = false;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
    }

    /**
     * Starts the node; returns once it answers cluster health as this instance's cluster. Moves to other free ports
     * if another process took them before the first start; after that it keeps its address.
     */
    @Override
    public synchronized EmbeddedOpenSearch start() {
        if (isRunning()) {
            return this;
        }
        for (int attempt = 1; ; attempt++) {
            process = ChildProcess.start("opensearch", command(), log);
            try {
                Poll.until("OpenSearch node on " + url() + " ready")
                        .atMost(READY_DEADLINE)
                        .every(Duration.ofMillis(200))
                        .ignoring(Exception.class)
                        .failFast("the node's JVM exited", () -> !process.isAlive())
                        .holds(this::isOurClusterReady);
                startedBefore = true;
                return this;
            } catch (RuntimeException e) {
                ChildProcess failed = process;
                failed.kill();
                process = null;
                boolean portTaken = failed.wrote("BindException") || failed.wrote(LoopbackPorts.ADDRESS_IN_USE);
                if (portTaken && portsPicked && !startedBefore && attempt < BIND_ATTEMPTS) {
                    pickPorts();
                    continue;
                }
                throw failed.failure("OpenSearch node did not start", e);
            }
        }
    }

    /** Closes the node's stdin: it closes the node and exits. */
    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_GRACE);
            process = null;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        WorkDirectory.deleteRecursively(home.resolve("node_1").resolve("data"));
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String url() {
        return "http://" + HOST + ":" + httpPort;
    }

    /** The node's JVM (it starts no children). */
    public synchronized List<ProcessHandle> processTree() {
        return process == null ? List.of() : process.processTree();
    }

    public Path logFile() {
        return log;
    }

    private void pickPorts() {
        List<Integer> ports = LoopbackPorts.pick(2);
        httpPort = ports.get(0);
        transportPort = ports.get(1);
    }

    /* Our cluster name, not just any node: another build's server may be the one listening on a port taken from us. */
    private boolean isOurClusterReady() throws IOException, InterruptedException {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return health.statusCode() == 200 && health.body().contains("\"cluster_name\":\"" + clusterName + "\"");
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        // opensearch-node is a dependency here without its own: OpenSearch's Lucene, Netty and Jackson stay off the
        // classpath of the tests.
        command.add(RecordedClasspath.of(EmbeddedOpenSearch.class, CLASSPATH_RESOURCE, MAIN_CLASS, "opensearch-node"));
        command.add(MAIN_CLASS);
        command.add(home.toString());
        command.add(Integer.toString(httpPort));
        command.add(Integer.toString(transportPort));
        command.add(clusterName);
        return command;
    }
}
