package dev.outbox.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The pipeline's topics, created before any service starts; a run on kept data finds them there. */
public final class Topics {

    public static final String EVENTS = "blog.events";
    public static final int PARTITIONS = 3;
    static final String DEAD_LETTERS = "blog.events.dlq";
    /** The relay's own: outbox rows it could not turn into events. */
    static final String RELAY_DEAD_LETTERS = "outbox.relay.dlq";

    private Topics() {
    }

    /** The events topic keeps every event: a search index rebuild replays it from the start. */
    static void create(Admin admin) {
        try {
            for (NewTopic topic : List.of(
                    new NewTopic(EVENTS, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(DEAD_LETTERS, 1, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(RELAY_DEAD_LETTERS, 1, (short) 1).configs(Map.of("retention.ms", "-1")))) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + topic.name(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the topics", e);
        }
    }
}
