package dev.outbox.analytics;

import dev.outbox.consumer.MemberConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The knobs this consumer owns, besides a group member's ({@link MemberConfig}); all under {@code analytics.*}. */
@ConfigMapping(prefix = "analytics")
public interface AnalyticsConfig extends MemberConfig {

    /** Longer than the topic's retention (7 days by default): an id older than that cannot be redelivered. */
    @WithDefault("8d")
    Duration processedEventsRetention();

    /**
     * Fault injection for operators and tests: events of these types (e.g. {@code BlogUpdated}) are treated as poison
     * and go to the dead-letter topic, as a consumer bug would send them. Remove it (the "fix") and replay them.
     */
    Optional<Set<String>> rejectEventTypes();
}
