package dev.outbox.testsupport.quarkus;

import java.util.Map;

import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points a Quarkus application under test at this JVM's shared Kafka broker. */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", SharedInfrastructure.kafka().bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker outlives this application: other test classes in the JVM share it, and it closes at JVM exit.
    }
}
