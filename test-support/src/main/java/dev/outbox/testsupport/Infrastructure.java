package dev.outbox.testsupport;

import java.util.Locale;
import java.util.Map;

import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.embedded.opensearch.EmbeddedOpenSearch;
import dev.outbox.embedded.opensearch.OpenSearchServer;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.kafka.ContainerKafkaServer;
import dev.outbox.testsupport.opensearch.ContainerOpenSearch;
import dev.outbox.testsupport.postgres.ContainerPostgresServer;

/**
 * Which kind of servers the tests run against: processes this JVM starts itself ({@link #EMBEDDED}, the default, no
 * Docker needed) or Testcontainers ({@link #TESTCONTAINERS}, where a Docker engine exists). Chosen by the system
 * property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT_VARIABLE}.
 */
public enum Infrastructure {

    EMBEDDED {
        @Override
        public PostgresServer startPostgres() {
            return new EmbeddedPostgresServer().start();
        }

        @Override
        public KafkaServer startKafka() {
            return new EmbeddedKafkaBroker().start();
        }

        @Override
        public OpenSearchServer startOpenSearch() {
            return new EmbeddedOpenSearch().start();
        }
    },

    TESTCONTAINERS {
        @Override
        public PostgresServer startPostgres() {
            return new ContainerPostgresServer().start();
        }

        @Override
        public KafkaServer startKafka() {
            return new ContainerKafkaServer().start();
        }

        @Override
        public OpenSearchServer startOpenSearch() {
            return new ContainerOpenSearch().start();
        }
    };

    public static final String PROPERTY = "outbox.test.infra";
    public static final String ENVIRONMENT_VARIABLE = "OUTBOX_TEST_INFRA";

    public static Infrastructure selected() {
        return select(System.getProperty(PROPERTY), System.getenv());
    }

    static Infrastructure select(String property, Map<String, String> environment) {
        String choice = property != null ? property : environment.getOrDefault(ENVIRONMENT_VARIABLE, "embedded");
        try {
            return valueOf(choice.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " / " + ENVIRONMENT_VARIABLE
                    + " must be embedded or testcontainers, not '" + choice + "'", e);
        }
    }

    public abstract PostgresServer startPostgres();

    public abstract KafkaServer startKafka();

    public abstract OpenSearchServer startOpenSearch();
}
