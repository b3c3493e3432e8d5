package dev.outbox.relay.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresUrlTest {

    @Test
    void readsHostPortAndDatabase() {
        assertThat(PostgresUrl.parse("jdbc:postgresql://db.internal:6432/blog?sslmode=require"))
                .isEqualTo(new PostgresUrl("db.internal", 6432, "blog"));
    }

    @Test
    void defaultsThePort() {
        assertThat(PostgresUrl.parse("jdbc:postgresql://localhost/blog").port()).isEqualTo(5432);
    }

    @Test
    void refusesAnotherDatabaseKindWithTheSettingName() {
        assertThatThrownBy(() -> PostgresUrl.parse("jdbc:mysql://localhost/blog"))
                .hasMessageContaining("quarkus.datasource.jdbc.url");
    }

    @Test
    void refusesAUrlWithoutADatabase() {
        assertThatThrownBy(() -> PostgresUrl.parse("jdbc:postgresql://localhost:5432/"))
                .hasMessageContaining("needs a host and a database");
    }
}
