package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure after the blog row is written must leave neither the blog nor its event. The failure is
 * real: a trigger makes Postgres reject the outbox insert that follows the blog insert.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PublishAtomicityIT {

    private static final String POISON_TITLE = "outbox insert fails for this title";

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void failOutboxInsertsForThePoisonTitle() throws SQLException {
        execute("""
                create or replace function reject_poison_event() returns trigger language plpgsql as $$
                begin
                  if new.payload->>'title' = '%s' then
                    raise exception 'injected failure after the blog insert';
                  end if;
                  return new;
                end $$""".formatted(POISON_TITLE));
        execute("create trigger reject_poison_event before insert on outbox for each row execute function reject_poison_event()");
    }

    @AfterEach
    void removeTrigger() throws SQLException {
        execute("drop trigger reject_poison_event on outbox");
        execute("drop function reject_poison_event()");
    }

    @Test
    void failureAfterTheBlogInsertLeavesNeitherBlogNorEvent() throws SQLException {
        Author author = Api.newAuthor();
        try (WalTap wal = WalTap.open(dataSource)) {

            author.as().body(draft(POISON_TITLE, "Body")).post("/blogs")
                    .then().statusCode(500).contentType("application/problem+json");

            assertThat(countBlogsTitled(POISON_TITLE)).isZero();
            assertThat(wal.changes()).as("nothing was committed, so nothing reached the WAL").isEmpty();
        }
    }

    @Test
    void theSameRequestSucceedsOnceTheFailureIsGone() throws SQLException {
        Author author = Api.newAuthor();
        try (WalTap wal = WalTap.open(dataSource)) {
            author.as().body(draft(POISON_TITLE, "Body")).post("/blogs").then().statusCode(500);
            removeTrigger();

            author.as().body(draft(POISON_TITLE, "Body")).post("/blogs").then().statusCode(201);

            assertThat(countBlogsTitled(POISON_TITLE)).isEqualTo(1);
            assertThat(wal.outboxInserts()).hasSize(1);
            failOutboxInsertsForThePoisonTitle();
        }
        execute("delete from blogs where title = '" + POISON_TITLE + "'");
    }

    private long countBlogsTitled(String title) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from blogs where title = '" + title + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
