package dev.outbox.embedded.postgres;


import dev.outbox.embedded.process.ChildProcess;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.embedded.process.Poll;
import dev.outbox.embedded.process.WorkDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;


/**
 * A real PostgreSQL 17 from zonky's binaries, run by this JVM as a child process (no {@code pg_ctl}, no Docker):
 * {@code initdb} once into {@code <workdir>/embedded-pg/<instance>/data}, then {@code postgres} on a free loopback
 * port with logical decoding on, its log in {@code postgres.log} beside the data. {@link #stop()} and {@link #start()}
 * restart it on the same port and data; {@link #close()} also deletes the data. Its {@link Durability} is
 * {@link Durability#FAST} unless the caller asks for {@link Durability#DURABLE}.
 */
public final class EmbeddedPostgresServer implements PostgresServer {

    /** How hard commits and pages are made to reach the disk. */
    public enum Durability {
        /** No fsync and no full-page images: a crash of the machine may corrupt the data, which tests do not mind. */
        FAST("fsync=off", "full_page_writes=off", "synchronous_commit=on"),
        /** PostgreSQL's production defaults: a commit returns once its WAL is flushed, torn pages are recoverable. */
        DURABLE("fsync=on", "full_page_writes=on", "synchronous_commit=on");

        private final List<String> settings;

        Durability(String... settings) {
            this.settings = List.of(settings);
        }

        /** The server settings, as {@code name=value}. */
        public List<String> settings() {
            return settings;
        }
    }

    private static final String HOST = "127.0.0.1";
    private static final Duration INITDB_DEADLINE = Duration.ofSeconds(60);
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int BIND_ATTEMPTS = 3;
    private static final int LOGIN_TIMEOUT_SECONDS = 5;

    /*
     * Runs the server ("$@") in the background and a watcher that waits for end-of-file on the shell's stdin, then
     * asks the server for a fast shutdown (SIGINT). The watcher gets stdin through fd 3 because a background job's
     * stdin is /dev/null. The shell waits for the server and exits with its status, so this JVM sees the server's
     * exit; the server itself never holds the pipe.
     */
    private static final String WATCHDOG = """
            exec 3<&0
            "$@" </dev/null 3<&- &
            server=$!
            { cat >/dev/null; kill -INT "$server" 2>/dev/null; } <&3 &
            watcher=$!
            exec 3<&-
            wait "$server"
            status=$?
            kill "$watcher" 2>/dev/null
            exit "$status"
            """;

    private final PrivilegeDrop privilegeDrop;
    private final Durability durability;
    private final PostgresDistribution distribution;
    private final Path instanceDir;
    private final Path dataDir;
    private final Path log;
    private final IntSupplier freePorts;
    private final boolean portPicked;
    private volatile int port;
    private boolean startedBefore;
    private ChildProcess process;

    /** Prepares an instance that runs under the route {@link PrivilegeDrop#forThisProcess()} picks. */
    public EmbeddedPostgresServer() {
        this(PrivilegeDrop.forThisProcess());
    }

    public EmbeddedPostgresServer(Durability durability) {
        this(PrivilegeDrop.forThisProcess(), durability);
    }

    public EmbeddedPostgresServer(PrivilegeDrop privilegeDrop) {
        this(privilegeDrop, Durability.FAST);
    }

    public EmbeddedPostgresServer(PrivilegeDrop privilegeDrop, Durability durability) {
        this(privilegeDrop, durability, WorkDirectory.newInstanceDirectory("embedded-pg"), 0, LoopbackPorts::pick);
    }

    /** An instance that takes its port from {@code freePorts}, to test what happens when that port is taken. */
    public EmbeddedPostgresServer(IntSupplier freePorts) {
        this(PrivilegeDrop.forThisProcess(), Durability.FAST, WorkDirectory.newInstanceDirectory("embedded-pg"), 0, freePorts);
    }

    /**
     * An instance in {@code instanceDir} on {@code port} (0: a free one, picked at the first start), whose data
     * outlives this object: {@link #start()} reuses what an earlier run left there. For the local pipeline.
     */
    public EmbeddedPostgresServer(Durability durability, Path instanceDir, int port) {
        this(PrivilegeDrop.forThisProcess(), durability, WorkDirectory.publicDirectory(instanceDir), port, LoopbackPorts::pick);
    }

    private EmbeddedPostgresServer(PrivilegeDrop privilegeDrop, Durability durability, Path instanceDir, int port,
            IntSupplier freePorts) {
        this.privilegeDrop = privilegeDrop;
        this.durability = durability;
        this.distribution = PostgresDistribution.unpacked();
        this.instanceDir = instanceDir;
        this.dataDir = instanceDir.resolve("data");
        this.log = instanceDir.resolve("postgres.log");
        this.port = port;
        this.portPicked = port == 0;
        this.freePorts = freePorts;
    }

    /**
     * Starts the server, initialising its data directory the first time; returns once it accepts connections. A
     * server whose port this class picked moves to another free one if another process took it before its first
     * start; after that it keeps its port.
     */
    @Override
    public synchronized EmbeddedPostgresServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (!Files.exists(dataDir)) {
            initdb();
        }
        if (port == 0) {
            port = freePorts.getAsInt();
        }
        for (int attempt = 1; ; attempt++) {
            process = ChildProcess.start("postgres", postgresCommand(), log);
            try {
                awaitReady();
                break;
            } catch (RuntimeException e) {
                ChildProcess failed = process;
                kill();
                // Free when picked, but another build's server on this machine may bind it before ours does.
                boolean portTaken = failed.wrote(LoopbackPorts.ADDRESS_IN_USE);
                if (portTaken && portPicked && !startedBefore && attempt < BIND_ATTEMPTS) {
                    port = freePorts.getAsInt();
                    continue;
                }
                throw failed.failure(portTaken
                        ? "PostgreSQL did not start under " + privilegeDrop + ": port " + port + " is taken by another process"
                        : "PostgreSQL did not start under " + privilegeDrop, e);
            }
        }
        startedBefore = true;
        createDatabase(DATABASE);
        return this;
    }

    /** Fast shutdown (SIGINT): open transactions are rolled back, clients disconnected; the data stays. */
    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_GRACE);
            process = null;
        }
    }

    /** Kills the server and its backends (SIGKILL), as a crash would; the next {@link #start()} recovers from WAL. */
    @Override
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Stops the server and deletes its data; the log stays. */
    @Override
    public synchronized void close() {
        stop();
        WorkDirectory.deleteRecursively(dataDir);
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server process and its descendants (the watcher, the postmaster, its backends). */
    public synchronized List<ProcessHandle> processTree() {
        return process == null ? List.of() : process.processTree();
    }

    public PrivilegeDrop privilegeDrop() {
        return privilegeDrop;
    }

    public Durability durability() {
        return durability;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    public Path logFile() {
        return log;
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        if (port == 0) {
            throw new IllegalStateException("PostgreSQL has not been started yet");
        }
        return port;
    }

    private void initdb() {
        privilegeDrop.checkTraversable(distribution.home());
        privilegeDrop.checkTraversable(instanceDir);
        Path passwordFile = instanceDir.resolve("password");
        try {
            Files.createDirectory(dataDir);
            privilegeDrop.handOver(dataDir);
            Files.writeString(passwordFile, PASSWORD, StandardCharsets.UTF_8);
            privilegeDrop.handOver(passwordFile);
            List<String> command = new ArrayList<>(privilegeDrop.commandPrefix());
            command.addAll(List.of(distribution.binary("initdb").toString(),
                    "--pgdata=" + dataDir,
                    "--username=" + USERNAME,
                    "--pwfile=" + passwordFile,
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions"));
            ChildProcess.run("initdb under " + privilegeDrop, command, log, INITDB_DEADLINE);
            Files.delete(passwordFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot initialise " + dataDir, e);
        }
    }

    private List<String> postgresCommand() {
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "postgres-watchdog"));
        command.addAll(privilegeDrop.commandPrefix());
        command.addAll(List.of(distribution.binary("postgres").toString(),
                "-D", dataDir.toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=" + HOST,
                "-c", "unix_socket_directories=",
                "-c", "wal_level=logical",
                "-c", "max_wal_senders=10",
                "-c", "max_replication_slots=10"));
        for (String setting : durability.settings()) {
            command.addAll(List.of("-c", setting));
        }
        return command;
    }

    private void awaitReady() {
        Poll.until("PostgreSQL on port " + port + " accepting connections")
                .atMost(READY_DEADLINE)
                .every(Duration.ofMillis(50))
                .ignoring(SQLException.class)
                .failFast("PostgreSQL exited", () -> !process.isAlive())
                .holds(this::servesOurData);
    }

    /* Our data directory, not just any server: every build here uses the same user and password, so another build's
       PostgreSQL on a port taken from us would answer as well. */
    private boolean servesOurData() throws SQLException {
        // A listener that never answers (not PostgreSQL) would otherwise hold this poll, and the exit check, for 60 s.
        String url = jdbcUrl(MAINTENANCE_DATABASE) + "?loginTimeout=" + LOGIN_TIMEOUT_SECONDS;
        try (Connection connection = PostgresServer.connect(url, USERNAME, PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW data_directory")) {
            return rows.next() && Path.of(rows.getString(1)).normalize().equals(dataDir.normalize());
        }
    }
}
