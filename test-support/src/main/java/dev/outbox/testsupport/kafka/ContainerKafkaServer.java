package dev.outbox.testsupport.kafka;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.kafka.KafkaContainer;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.testsupport.containers.PausableContainer;

/**
 * {@link KafkaServer} on Testcontainers ({@code apache/kafka} at the version of the Kafka client in use), for machines
 * with a Docker engine. Stopping and killing pause the container, see {@link PausableContainer}.
 */
public final class ContainerKafkaServer implements KafkaServer {

    private final KafkaContainer container = new KafkaContainer("apache/kafka:" + AppInfoParser.getVersion())
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
            .withEnv("KAFKA_NUM_PARTITIONS", "3")
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    private final PausableContainer lifecycle = new PausableContainer(container);

    @Override
    public ContainerKafkaServer start() {
        lifecycle.start();
        return this;
    }

    @Override
    public void stop() {
        lifecycle.pause();
    }

    @Override
    public void kill() {
        lifecycle.pause();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }
}
