package dev.outbox.consumer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How one consumer group reads its topic.
 *
 * @param name            names the thread and prefixes the metrics ({@code <name>.events.applied}); unlike the
 *                        group id it does not change when a second group runs the same application
 * @param instanceId      this member's static identity in the group ({@code group.instance.id}): restarted under
 *                        the same one it takes its partitions back at once, instead of after its old session timed
 *                        out and a rebalance; it must be unique among the group's live members
 * @param consumer        Kafka consumer settings that override the defaults
 * @param producer        Kafka producer settings (for the dead-letter copies) that override the defaults
 */
public record ConsumerSettings(String name, String bootstrapServers, String topic, String deadLetterTopic,
                               String groupId, Optional<String> instanceId, Duration maxRetryBackoff,
                               Map<String, String> consumer,
                               Map<String, String> producer) {

    /** An application's member, named {@code name}, as its {@link MemberConfig} says. */
    public static ConsumerSettings of(String name, String bootstrapServers, MemberConfig config) {
        return new ConsumerSettings(name, bootstrapServers, config.topic(), config.deadLetterTopic(), config.groupId(),
                config.instanceId(), config.maxRetryBackoff(), config.consumer(), config.producer());
    }
}
