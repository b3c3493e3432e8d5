package dev.outbox.consumer;

import java.time.Duration;
import java.util.Map;

/**
 * How one consumer group reads its topic.
 *
 * @param name            names the thread and prefixes the metrics ({@code <name>.events.applied}); unlike the
 *                        group id it does not change when a second group runs the same application
 * @param consumer        Kafka consumer settings that override the defaults
 * @param producer        Kafka producer settings (for the dead-letter copies) that override the defaults
 */
public record ConsumerSettings(String name, String bootstrapServers, String topic, String deadLetterTopic,
                               String groupId, Duration maxRetryBackoff, Map<String, String> consumer,
                               Map<String, String> producer) {
}
