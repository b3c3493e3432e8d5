package dev.outbox.testsupport.postgres;

import org.testcontainers.postgresql.PostgreSQLContainer;

import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.containers.PausableContainer;

/**
 * {@link PostgresServer} on Testcontainers ({@code postgres:17} with logical decoding on), for machines with a Docker
 * engine. Stopping and killing pause the container, see {@link PausableContainer}.
 */
public final class ContainerPostgresServer implements PostgresServer {

    private final PostgreSQLContainer container = new PostgreSQLContainer("postgres:17")
            .withDatabaseName(DATABASE)
            .withUsername(USERNAME)
            .withPassword(PASSWORD)
            .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_wal_senders=10",
                    "-c", "max_replication_slots=10", "-c", "fsync=off");
    private final PausableContainer lifecycle = new PausableContainer(container);

    @Override
    public ContainerPostgresServer start() {
        lifecycle.start();
        return this;
    }

    @Override
    public void stop() {
        lifecycle.pause();
    }

    @Override
    public void kill() {
        lifecycle.pause();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }
}
