package dev.outbox.testsupport.quarkus;

import java.util.Map;

import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a Quarkus application under test at this JVM's shared PostgreSQL. With the init argument
 * {@value #DATABASE_ARG} it uses (and creates if needed) a database of that name instead of the default one.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE_ARG = "database";

    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get(DATABASE_ARG);
    }

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = SharedInfrastructure.postgres();
        String url = database == null ? postgres.jdbcUrl() : postgres.createDatabase(database);
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", postgres.username(),
                "quarkus.datasource.password", postgres.password());
    }

    @Override
    public void stop() {
        // The server outlives this application: other test classes in the JVM share it, and it closes at JVM exit.
    }
}
