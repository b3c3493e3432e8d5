package dev.outbox.relay.engine;

import java.util.Properties;

/** Debezium engine and Postgres connector settings: our defaults, then {@code relay.debezium.*} overrides. */
final class EngineProperties {

    /** Debezium names topics {@code <prefix>.<schema>.<table>}; the router renames outbox records anyway. */
    static final String TOPIC_PREFIX = "outbox";

    private EngineProperties() {
    }

    static Properties of(RelayConfig relay, PostgresUrl database, String user, String password, String bootstrapServers) {
        Properties p = new Properties();
        p.setProperty("name", "outbox-relay");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", TOPIC_PREFIX);

        p.setProperty("database.hostname", database.host());
        p.setProperty("database.port", Integer.toString(database.port()));
        p.setProperty("database.dbname", database.database());
        p.setProperty("database.user", user);
        p.setProperty("database.password", password);

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", relay.slotName());
        p.setProperty("publication.name", relay.publicationName());
        // Only the outbox and the heartbeat table are in the publication; no other table's rows leave Postgres.
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", relay.outboxTable() + "," + relay.heartbeatTable());
        // The relay relays outbox inserts only. OutboxPublication keeps deletes out of the publication; where it may not
        // (another owner), Debezium drops them before its per-event work (metrics, queue, tombstone), not after.
        p.setProperty("skipped.operations", "d,t");
        // Events are facts from now on; the outbox is empty by design, so there is nothing to snapshot.
        p.setProperty("snapshot.mode", "no_data");

        p.setProperty("heartbeat.interval.ms", Long.toString(relay.heartbeatInterval().toMillis()));
        p.setProperty("heartbeat.action.query", "insert into " + relay.heartbeatTable()
                + " (id, beat_at) values (1, now()) on conflict (id) do update set beat_at = excluded.beat_at");

        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        p.setProperty("offset.storage.topic", relay.offsetsTopic());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(relay.offsetsTopicReplicationFactor()));
        p.setProperty("bootstrap.servers", bootstrapServers);
        // Commit offsets after every batch: Kafka has acked it by then, and a restart re-sends at most one batch.
        p.setProperty("offset.flush.interval.ms", "0");

        // Bounds how long a failed engine takes to stop; the default (minutes) keeps a broken relay alive too long.
        p.setProperty("task.management.timeout.ms", "15000");

        // A standby that takes over may find the slot still "active for PID" of the old relay's walsender for a moment
        // (a killed relay's is gone within milliseconds; a cut-off one's at wal_sender_timeout): try again every half
        // second for 10 s, instead of the default 6 times 10 s, which alone would exceed the 10 s takeover goal.
        p.setProperty("slot.retry.delay.ms", "500");
        p.setProperty("slot.max.retries", "20");
        // After the replication connection broke while the lock session did not (a walsender ended by
        // wal_sender_timeout or pg_terminate_backend, a cut connection): reconnect after 2 s instead of 10. One
        // attempt is one cheap connection; the wait is the floor of every such outage. A lost Postgres ends the lock
        // session too, and the relay exits and stands by instead (docs/relay.md).
        p.setProperty("retriable.restart.connector.wait.ms", "2000");

        p.setProperty("max.batch.size", "2048");
        // Two batches queued behind the one being sent keep the sink busy; a deeper queue only held more change events
        // on the heap during a backlog drain (docs/benchmarks.md, "Memory").
        p.setProperty("max.queue.size", "4096");
        // The engine sleeps this long whenever its queue is empty: at the default 50 ms it was most of a quiet outbox's
        // latency, for little more CPU when idle (docs/benchmarks.md, "Relay: poll.interval.ms 50 → 10").
        p.setProperty("poll.interval.ms", "10");

        p.putAll(relay.debezium());
        return p;
    }
}
