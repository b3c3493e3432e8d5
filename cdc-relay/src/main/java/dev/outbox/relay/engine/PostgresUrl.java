package dev.outbox.relay.engine;

import java.net.URI;

/** The parts of a {@code jdbc:postgresql://host:port/database} URL that Debezium wants as separate settings. */
record PostgresUrl(String host, int port, String database) {

    private static final String PREFIX = "jdbc:postgresql://";
    private static final int DEFAULT_PORT = 5432;

    static PostgresUrl parse(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(PREFIX)) {
            throw new IllegalArgumentException("quarkus.datasource.jdbc.url must look like "
                    + PREFIX + "host:port/database, was: " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || database.isEmpty()) {
            throw new IllegalArgumentException("quarkus.datasource.jdbc.url needs a host and a database: " + jdbcUrl);
        }
        return new PostgresUrl(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), database);
    }
}
