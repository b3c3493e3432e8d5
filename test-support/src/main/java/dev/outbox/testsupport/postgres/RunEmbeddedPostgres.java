package dev.outbox.testsupport.postgres;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded PostgreSQL until Ctrl-C, for running blog-app by hand before the one-command local run exists.
 * Prints the environment blog-app needs. The data lives under {@code target/embedded-pg/} and is deleted on exit.
 */
public final class RunEmbeddedPostgres {

    private RunEmbeddedPostgres() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedPostgresServer postgres = new EmbeddedPostgresServer().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            stopped.countDown();
        }, "stop-postgres"));
        System.out.printf("""
                PostgreSQL on port %s is up (wal_level=logical); Ctrl-C stops it and deletes its data.
                  export BLOG_DB_URL=%s BLOG_DB_USER=%s BLOG_DB_PASSWORD=%s
                """, postgres.port(), postgres.jdbcUrl(), postgres.username(), postgres.password());
        stopped.await();
    }
}
