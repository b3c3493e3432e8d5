package dev.outbox.embedded.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A running single-node Kafka cluster (RF 1, no topic auto-creation) that tests can stop and start again on the same
 * address and data, or kill, to exercise failures.
 */
public interface KafkaServer extends AutoCloseable {

    String bootstrapServers();

    /** Stops the broker in an orderly way; {@link #start()} brings it back with its data. */
    void stop();

    /** Takes the broker away at once, without an orderly shutdown. */
    void kill();

    /** Starts the broker (again) and returns once it serves requests. */
    KafkaServer start();

    boolean isRunning();

    /** Stops the broker and frees what it holds. */
    @Override
    void close();

    /** An admin client for this broker; the caller closes it. */
    default Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Creates a topic with replication factor 1 unless one of that name exists (so test classes sharing a broker can
     * each ask for theirs).
     */
    default void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.of((short) 1))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + name, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topic " + name + " not created within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }
}
