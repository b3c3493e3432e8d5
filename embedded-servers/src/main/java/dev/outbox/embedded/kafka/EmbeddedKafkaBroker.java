package dev.outbox.embedded.kafka;

import dev.outbox.embedded.process.ChildProcess;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.Poll;
import dev.outbox.embedded.process.RecordedClasspath;
import dev.outbox.embedded.process.WorkDirectory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Uuid;


/**
 * A real single-node KRaft Kafka broker ({@code kafka_2.13}, broker and controller in one) in a child JVM:
 * storage formatted once under {@code <workdir>/embedded-kafka/<instance>/data}, PLAINTEXT and CONTROLLER listeners on
 * free loopback ports kept across restarts, its log in {@code broker.log} beside the data.
 */
public final class EmbeddedKafkaBroker implements KafkaServer {

    private static final String HOST = "127.0.0.1";
    private static final String CLASSPATH_RESOURCE = "broker.classpath";
    private static final Duration FORMAT_DEADLINE = Duration.ofSeconds(60);
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /* C1 only and the serial collector: a faster start and fewer threads on two cores; no test runs long enough for C2. */
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.log.state.change.logger=warn");

    private static final int BIND_ATTEMPTS = 3;

    private final Path instanceDir;
    private final Path dataDir;
    private final Path log;
    private final Path config;
    private final boolean portsPicked;
    private volatile int port;
    private volatile int controllerPort;
    private boolean startedBefore;
    private ChildProcess process;

    /** Prepares an instance; nothing runs until {@link #start()}. */
    public EmbeddedKafkaBroker() {
        this(WorkDirectory.newInstanceDirectory("embedded-kafka"), LoopbackPorts.pick(2), true);
    }

    /**
     * A broker in {@code instanceDir} on fixed ports whose data outlives this object: {@link #start()} reuses
     * what an earlier run left there. For the local pipeline.
     */
    public EmbeddedKafkaBroker(Path instanceDir, int port, int controllerPort) {
        this(instanceDir, List.of(port, controllerPort), false);
    }

    private EmbeddedKafkaBroker(Path instanceDir, List<Integer> ports, boolean portsPicked) {
        this.instanceDir = WorkDirectory.publicDirectory(instanceDir);
        this.dataDir = this.instanceDir.resolve("data");
        this.log = this.instanceDir.resolve("broker.log");
        this.config = this.instanceDir.resolve("server.properties");
        this.port = ports.get(0);
        this.controllerPort = ports.get(1);
        this.portsPicked = portsPicked;
    }

    /**
     * Starts the broker, formatting its storage the first time; returns once it answers {@code describeCluster}. A
     * broker whose ports this class picked moves to other free ones if another process took them before its first
     * start; after that it keeps its address.
     */
    @Override
    public synchronized EmbeddedKafkaBroker start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        for (int attempt = 1; ; attempt++) {
            writeConfig();
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                format();
            }
            process = ChildProcess.start("kafka", java(BrokerMain.class.getName(), config.toString()), log);
            try {
                awaitReady();
                startedBefore = true;
                return this;
            } catch (RuntimeException e) {
                ChildProcess failed = process;
                kill();
                // The ports were free when picked, but the broker binds them seconds later (after a JVM start and
                // the storage format): on a shared machine another build's server may have taken one meanwhile.
                boolean portTaken = failed.wrote(LoopbackPorts.ADDRESS_IN_USE);
                if (portTaken && portsPicked && !startedBefore && attempt < BIND_ATTEMPTS) {
                    List<Integer> ports = LoopbackPorts.pick(2);
                    port = ports.get(0);
                    controllerPort = ports.get(1);
                    continue;
                }
                throw failed.failure(portTaken
                        ? "Kafka broker did not start: port " + port + " or " + controllerPort + " is taken by another process"
                        : "Kafka broker did not start", e);
            }
        }
    }

    /** Orderly shutdown (the broker's own shutdown hook); the data stays for the next {@link #start()}. */
    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_GRACE);
            process = null;
        }
    }

    /** SIGKILL: no orderly shutdown, the next {@link #start()} recovers the logs. */
    @Override
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Stops the broker and deletes its data; the log stays. */
    @Override
    public synchronized void close() {
        stop();
        WorkDirectory.deleteRecursively(dataDir);
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The broker's JVM (it starts no children). */
    public synchronized List<ProcessHandle> processTree() {
        return process == null ? List.of() : process.processTree();
    }

    public Path dataDirectory() {
        return dataDir;
    }

    public Path logFile() {
        return log;
    }

    private void writeConfig() {
        Properties properties = new Properties();
        properties.setProperty("process.roles", "broker,controller");
        properties.setProperty("node.id", "1");
        properties.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        properties.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        properties.setProperty("advertised.listeners", "PLAINTEXT://" + bootstrapServers());
        properties.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.setProperty("controller.listener.names", "CONTROLLER");
        properties.setProperty("inter.broker.listener.name", "PLAINTEXT");
        properties.setProperty("log.dirs", dataDir.toString());
        properties.setProperty("auto.create.topics.enable", "false");
        properties.setProperty("num.partitions", "3");
        properties.setProperty("default.replication.factor", "1");
        properties.setProperty("min.insync.replicas", "1");
        properties.setProperty("offsets.topic.replication.factor", "1");
        // Fewer partitions than the default 50 make the first consumer group's coordinator ready sooner.
        properties.setProperty("offsets.topic.num.partitions", "5");
        properties.setProperty("transaction.state.log.replication.factor", "1");
        properties.setProperty("transaction.state.log.min.isr", "1");
        properties.setProperty("transaction.state.log.num.partitions", "5");
        properties.setProperty("share.coordinator.state.topic.replication.factor", "1");
        properties.setProperty("share.coordinator.state.topic.min.isr", "1");
        properties.setProperty("group.initial.rebalance.delay.ms", "0");
        // A broker restarted after a kill waits for its previous registration to expire: 4 s rather than 9.
        properties.setProperty("broker.heartbeat.interval.ms", "1000");
        properties.setProperty("broker.session.timeout.ms", "4000");
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties.store(writer, "Single-node KRaft broker for tests");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
    }

    private void format() {
        ChildProcess.run("Kafka storage format", java("kafka.tools.StorageTool", "format",
                "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()), log, FORMAT_DEADLINE);
    }

    private void awaitReady() {
        // The port first: an admin client created earlier would log a warning for every refused connection.
        awaitBroker("listening").holds(this::acceptsConnections);
        String clusterId = clusterId();
        try (Admin admin = admin()) {
            awaitBroker("serving requests").holds(() -> isOurBroker(admin, clusterId));
        }
    }

    private Poll awaitBroker(String state) {
        return Poll.until("Kafka broker on " + bootstrapServers() + " " + state)
                .atMost(READY_DEADLINE)
                .every(Duration.ofMillis(100))
                .ignoring(Exception.class)
                .failFast("the broker's JVM exited", () -> !process.isAlive());
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /* Our cluster id, not just any broker: another build's broker may be the one listening on a port taken from us. */
    private static boolean isOurBroker(Admin admin, String clusterId) throws Exception {
        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000));
        return clusterId.equals(cluster.clusterId().get()) && !cluster.nodes().get().isEmpty();
    }

    private String clusterId() {
        Properties meta = new Properties();
        try (Reader reader = Files.newBufferedReader(dataDir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            meta.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the cluster id in " + dataDir, e);
        }
        return meta.getProperty("cluster.id");
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        // This module's runtime classpath: the broker is an optional dependency, off the classpath of the modules
        // under test.
        command.add(RecordedClasspath.of(EmbeddedKafkaBroker.class, CLASSPATH_RESOURCE, BrokerMain.class.getName(),
                "test-support"));
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        return command;
    }
}
