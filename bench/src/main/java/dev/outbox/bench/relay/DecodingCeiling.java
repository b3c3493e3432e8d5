package dev.outbox.bench.relay;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.bench.machine.CpuSplit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for the relay: Postgres decoding the same WAL with pgoutput into a bare pgjdbc replication stream that
 * only counts the outbox inserts, no parsing, no Kafka. Its slot is created before the backlog is written, so both
 * read exactly the same WAL.
 */
final class DecodingCeiling {

    static final String SLOT = "bench_ceiling";
    private static final String PUBLICATION = "bench_ceiling";
    private static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);

    private final DatabaseLogin login;

    DecodingCeiling(DatabaseLogin login) {
        this.login = login;
    }

    /** Creates the publication and the slot; the slot keeps every later change for {@link #drain}. */
    void createSlot(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // What the relay's publication publishes (cdc-relay's OutboxPublication): the outbox's deletes are not
            // decoded for either, so the ceiling does the relay's share of Postgres' work, not more.
            statement.execute("create publication " + PUBLICATION
                    + " for table outbox with (publish = 'insert, update')");
            statement.execute("select pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        }
    }

    /** How long the stream took, and the CPU up to then, taken while its walsender still lives. */
    record Result(long nanos, CpuSplit.Share cpu) {
    }

    /** Streams from the slot until {@code inserts} outbox inserts have arrived. */
    Result drain(long inserts) throws SQLException {
        CpuSplit.Snapshot cpuStart = RelayBenchmark.CPU.snapshot();
        Properties properties = new Properties();
        PGProperty.USER.set(properties, login.user());
        PGProperty.PASSWORD.set(properties, login.password());
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        try (Connection connection = new org.postgresql.Driver().connect(login.jdbcUrl(), properties)) {
            long start = System.nanoTime();
            PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical()
                    .withSlotName(SLOT)
                    .withSlotOption("proto_version", 1)
                    .withSlotOption("publication_names", PUBLICATION)
                    .withStatusInterval((int) STATUS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                    .start();
            long seen = 0;
            while (seen < inserts) {
                ByteBuffer message = stream.read();
                if (message.get(message.position()) == 'I') {
                    seen++;
                }
                // Confirming what was read lets the slot release WAL, as a real consumer would.
                stream.setFlushedLSN(stream.getLastReceiveLSN());
                stream.setAppliedLSN(stream.getLastReceiveLSN());
            }
            long elapsed = System.nanoTime() - start;
            CpuSplit.Share cpu = cpuStart.until(RelayBenchmark.CPU.snapshot());
            stream.close();
            return new Result(elapsed, cpu);
        }
    }
}
