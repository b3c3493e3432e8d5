package dev.outbox.consumer;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The settings every consumer group's member reads, under its application's prefix ({@code analytics.*},
 * {@code search.*}): each application's config mapping extends this, and the group id's default is the
 * application's own ({@code application.properties}).
 */
public interface MemberConfig {

    @WithDefault("blog.events")
    String topic();

    @WithDefault("blog.events.dlq")
    String deadLetterTopic();

    String groupId();

    /**
     * This member's static identity in the group ({@code group.instance.id}), unique among its live members: a restart
     * under it takes the member's partitions back without a rebalance. Unset: a restart waits for the old session to
     * time out.
     */
    Optional<String> instanceId();

    /** The longest wait between two attempts to apply a batch while its store cannot take it. */
    @WithDefault("30s")
    Duration maxRetryBackoff();

    /** Kafka consumer settings ({@code <prefix>.consumer.*}) over the member's defaults. */
    Map<String, String> consumer();

    /** Kafka producer settings ({@code <prefix>.producer.*}) for the dead-letter copies. */
    Map<String, String> producer();
}
