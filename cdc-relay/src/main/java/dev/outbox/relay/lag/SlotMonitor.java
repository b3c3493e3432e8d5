package dev.outbox.relay.lag;

import dev.outbox.relay.engine.RelayConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the relay's replication slot from {@code pg_replication_slots}, for {@code /lag} and Prometheus. */
@ApplicationScoped
public class SlotMonitor {

    private static final String QUERY = """
            select active,
                   coalesce(pg_current_wal_lsn() - confirmed_flush_lsn, 0) as lag_bytes,
                   coalesce(pg_current_wal_lsn() - restart_lsn, 0) as retained_bytes
            from pg_replication_slots where slot_name = ?""";
    private static final String OTHER_LOGICAL_SLOTS = """
            select slot_name from pg_replication_slots where slot_type = 'logical' and slot_name <> ?
            order by slot_name""";

    private static final long SCRAPE_REUSE_NANOS = 1_000_000_000L;

    @Inject
    DataSource dataSource;

    @Inject
    RelayConfig relay;

    @Inject
    MeterRegistry metrics;

    private SlotLag scraped;
    private long scrapedAtNanos;

    @PostConstruct
    void registerMeters() {
        Gauge.builder("relay.slot.lag.bytes", this, m -> m.forScrape().lagBytes())
                .description("WAL written but not yet confirmed by the relay").register(metrics);
        Gauge.builder("relay.slot.retained.bytes", this, m -> m.forScrape().retainedBytes())
                .description("WAL Postgres keeps for the relay's slot").register(metrics);
        Gauge.builder("relay.slot.active", this, m -> m.forScrape().active() ? 1 : 0).register(metrics);
        Gauge.builder("relay.replication.slots.other", this, m -> m.forScrape().otherLogicalSlots().size())
                .description("Logical replication slots other than the relay's: each can read every change")
                .register(metrics);
    }

    public SlotLag read() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(QUERY);
             PreparedStatement others = connection.prepareStatement(OTHER_LOGICAL_SLOTS)) {
            others.setString(1, relay.slotName());
            List<String> otherSlots = new ArrayList<>();
            try (ResultSet rows = others.executeQuery()) {
                while (rows.next()) {
                    otherSlots.add(rows.getString(1));
                }
            }
            statement.setString(1, relay.slotName());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return SlotLag.missing(relay.slotName(), otherSlots);
                }
                return new SlotLag(relay.slotName(), true, row.getBoolean(1), row.getLong(2), row.getLong(3),
                        otherSlots);
            }
        }
    }

    /**
     * For gauges: the slot gauges of one scrape share one query, and an unreachable database shows as a
     * missing slot rather than failing the scrape.
     */
    private synchronized SlotLag forScrape() {
        long now = System.nanoTime();
        if (scraped == null || now - scrapedAtNanos > SCRAPE_REUSE_NANOS) {
            try {
                scraped = read();
            } catch (SQLException e) {
                scraped = SlotLag.missing(relay.slotName(), List.of());
            }
            scrapedAtNanos = now;
        }
        return scraped;
    }
}
