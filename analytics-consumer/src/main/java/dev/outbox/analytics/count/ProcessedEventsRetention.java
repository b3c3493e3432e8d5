package dev.outbox.analytics.count;

import dev.outbox.analytics.AnalyticsConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Forgets processed event ids older than {@code analytics.processed-events-retention}. Kafka cannot redeliver
 * an event older than the topic's retention, so an id older than that protects against nothing.
 * (V1__analytics_schema.sql calls it RetentionJob, its first name: an applied migration stays as it is, since Flyway
 * refuses to start on a database whose migrations changed checksum.)
 */
@ApplicationScoped
public class ProcessedEventsRetention {

    private static final Logger LOG = Logger.getLogger(ProcessedEventsRetention.class);

    @Inject
    DataSource dataSource;

    @Inject
    AnalyticsConfig config;

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void forgetExpired() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "delete from analytics.processed_events where processed_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(Instant.now().minus(config.processedEventsRetention())));
            int forgotten = delete.executeUpdate();
            if (forgotten > 0) {
                LOG.infof("Forgot %d processed event ids older than %s", forgotten, config.processedEventsRetention());
            }
        }
    }
}
