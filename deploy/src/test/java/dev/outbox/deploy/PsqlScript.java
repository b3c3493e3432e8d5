package dev.outbox.deploy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the deployment's psql scripts over JDBC, with the little of psql they use: {@code :"name"} and
 * {@code :'name'} variables, {@code \connect}, and {@code \gexec}. The scripts stay the ones the containers run.
 */
final class PsqlScript {

    private final String text;
    private final Map<String, String> variables;

    PsqlScript(String text, Map<String, String> variables) {
        this.text = text;
        this.variables = variables;
    }

    /** The SQL fed to psql through a {@code <<'SQL'} here-document in a shell script. */
    static String hereDocument(String script) {
        int start = script.indexOf("<<'SQL'\n") + "<<'SQL'\n".length();
        return script.substring(start, script.indexOf("\nSQL", start));
    }

    /** Runs every statement; {@code connect} opens a connection to a database for {@code \connect}. */
    void run(Connection first, Function<String, Connection> connect) throws SQLException {
        Connection connection = first;
        StringBuilder statement = new StringBuilder();
        for (String line : text.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("\\connect ")) {
                connection = connect.apply(trimmed.substring("\\connect ".length()).strip());
                continue;
            }
            statement.append(substitute(line)).append('\n');
            if (trimmed.endsWith("\\gexec")) {
                String query = statement.toString().strip();
                generateAndRun(connection, query.substring(0, query.length() - "\\gexec".length()));
                statement.setLength(0);
            } else if (trimmed.endsWith(";")) {
                try (Statement sql = connection.createStatement()) {
                    sql.execute(statement.toString());
                }
                statement.setLength(0);
            }
        }
    }

    private static void generateAndRun(Connection connection, String query) throws SQLException {
        List<String> generated = new ArrayList<>();
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                generated.add(rows.getString(1));
            }
        }
        for (String each : generated) {
            try (Statement sql = connection.createStatement()) {
                sql.execute(each);
            }
        }
    }

    private String substitute(String line) {
        String result = line;
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            result = result.replace(":\"" + variable.getKey() + "\"", "\"" + variable.getValue().replace("\"", "\"\"") + "\"")
                    .replace(":'" + variable.getKey() + "'", "'" + variable.getValue().replace("'", "''") + "'");
        }
        return result;
    }
}
