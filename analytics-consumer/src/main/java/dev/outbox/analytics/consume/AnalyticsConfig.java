package dev.outbox.analytics.consume;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The knobs this consumer owns; {@code analytics.consumer.*} and {@code analytics.producer.*} pass through. */
@ConfigMapping(prefix = "analytics")
public interface AnalyticsConfig {

    @WithDefault("blog.events")
    String topic();

    @WithDefault("blog.events.dlq")
    String deadLetterTopic();

    @WithDefault("analytics")
    String groupId();

    /**
     * This member's static identity in the group ({@code group.instance.id}), unique among its live members: a restart
     * under it takes the member's partitions back without a rebalance. Unset: a restart waits for the old session to
     * time out.
     */
    Optional<String> instanceId();

    /** Longer than the topic's retention (7 days by default): an id older than that cannot be redelivered. */
    @WithDefault("8d")
    Duration processedEventsRetention();

    /** The longest wait between two attempts to apply a batch while the database is unavailable. */
    @WithDefault("30s")
    Duration maxRetryBackoff();

    /**
     * Fault injection for operators and tests: events of these types (e.g. {@code BlogUpdated}) are treated as poison
     * and go to the dead-letter topic, as a consumer bug would send them. Remove it (the "fix") and replay them.
     */
    Optional<Set<String>> rejectEventTypes();

    Map<String, String> consumer();

    Map<String, String> producer();
}
