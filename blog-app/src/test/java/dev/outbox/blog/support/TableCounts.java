package dev.outbox.blog.support;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Row counts of every table blog-app writes, to show that a refused request wrote nothing. */
public final class TableCounts {

    private static final List<String> TABLES = List.of("users", "api_tokens", "blogs", "idempotency_keys", "outbox");

    private TableCounts() {
    }

    public static Map<String, Long> of(DataSource dataSource) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count rows", e);
        }
        return counts;
    }
}
