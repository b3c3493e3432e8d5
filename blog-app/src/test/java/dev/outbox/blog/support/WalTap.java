package dev.outbox.blog.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what blog-app wrote to the WAL through a {@code test_decoding} logical replication slot:
 * the same committed changes the relay's {@code pgoutput} slot receives, rendered as text. Only
 * committed transactions are decoded, so a rolled-back publish leaves no trace here.
 */
public final class WalTap implements AutoCloseable {

    /** One decoded row change: {@code table public.outbox: INSERT: id[uuid]:'…' …}. */
    public record Change(String table, String operation, Map<String, String> columns) {

        public UUID eventId() {
            return UUID.fromString(columns.get("id"));
        }

        public JsonNode payload() {
            try {
                return JSON.readTree(columns.get("payload"));
            } catch (Exception e) {
                throw new AssertionError("payload is not JSON: " + columns.get("payload"), e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHANGE = Pattern.compile("^table public\\.(\\w+): (INSERT|UPDATE|DELETE): (.*)$", Pattern.DOTALL);
    /** Possessive runs: one loop iteration per character would overflow the stack on a 5,000-character value. */
    private static final Pattern COLUMN = Pattern.compile("(\\w+)\\[[^\\]]+\\]:('(?:[^']++|'')*+'|\\S+)");

    private final DataSource dataSource;
    private final String slot;

    private WalTap(DataSource dataSource, String slot) {
        this.dataSource = dataSource;
        this.slot = slot;
    }

    /** Creates a slot at the current WAL position: later commits are seen, earlier ones are not. */
    public static WalTap open(DataSource dataSource) {
        String slot = "wal_tap_" + UUID.randomUUID().toString().replace("-", "");
        execute(dataSource, "select pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        return new WalTap(dataSource, slot);
    }

    /** Consumes every change committed since the last call. */
    public List<Change> changes() {
        List<Change> changes = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select data from pg_logical_slot_get_changes('" + slot + "', null, null)")) {
            while (rows.next()) {
                Matcher change = CHANGE.matcher(rows.getString(1));
                if (change.matches()) {
                    changes.add(new Change(change.group(1), change.group(2), columns(change.group(3))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read slot " + slot, e);
        }
        return changes;
    }

    /** The outbox inserts among {@link #changes()}: the events the relay would ship. */
    public List<Change> outboxInserts() {
        return changes().stream().filter(c -> c.table().equals("outbox") && c.operation().equals("INSERT")).toList();
    }

    @Override
    public void close() {
        execute(dataSource, "select pg_drop_replication_slot('" + slot + "')");
    }

    private static Map<String, String> columns(String text) {
        Map<String, String> columns = new LinkedHashMap<>();
        Matcher column = COLUMN.matcher(text);
        while (column.find()) {
            String value = column.group(2);
            if (value.startsWith("'")) {
                value = value.substring(1, value.length() - 1).replace("''", "'");
            }
            columns.put(column.group(1), value);
        }
        return columns;
    }

    private static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
