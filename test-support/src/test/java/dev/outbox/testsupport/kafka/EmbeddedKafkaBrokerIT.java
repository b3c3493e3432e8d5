package dev.outbox.testsupport.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.testsupport.SharedInfrastructure;

class EmbeddedKafkaBrokerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker restartable;

    @BeforeAll
    static void startOwnBroker() {
        // Its own broker, so stopping and killing it leaves the shared one alone for other test classes.
        restartable = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void closeOwnBroker() {
        restartable.close();
    }

    @Test
    void recordsProducedWithAcksAllAreConsumedBack() throws Exception {
        KafkaServer kafka = SharedInfrastructure.kafka();
        kafka.createTopic("round-trip", 3);

        List<String> sent = produce(kafka, "round-trip", 10);

        assertEquals(sent, sorted(consumeAll(kafka, "round-trip", sent.size())));
    }

    @Test
    void createTopicLeavesAnExistingTopicAlone() throws Exception {
        KafkaServer kafka = SharedInfrastructure.kafka();
        kafka.createTopic("created-twice", 2);
        kafka.createTopic("created-twice", 5);

        try (Admin admin = kafka.admin()) {
            var description = admin.describeTopics(List.of("created-twice")).allTopicNames().get(30, TimeUnit.SECONDS);
            assertEquals(2, description.get("created-twice").partitions().size());
        }
    }

    @Test
    void topicsAreNotCreatedAutomatically() throws Exception {
        KafkaServer kafka = SharedInfrastructure.kafka();
        try (KafkaProducer<String, String> producer = producer(kafka, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            var error = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("never-created", "k", "v")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, error.getCause());
        }
        try (Admin admin = kafka.admin()) {
            assertFalse(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("never-created"));
        }
    }

    @Test
    void dataSurvivesAnOrderlyRestartOnTheSameAddress() throws Exception {
        restartable.createTopic("orderly-restart", 2);
        List<String> sent = produce(restartable, "orderly-restart", 5);
        String address = restartable.bootstrapServers();

        restartable.stop();
        assertFalse(restartable.isRunning());
        restartable.start();

        assertEquals(address, restartable.bootstrapServers());
        assertEquals(sent, sorted(consumeAll(restartable, "orderly-restart", sent.size())));
    }

    @Test
    void acknowledgedDataSurvivesTheBrokerBeingKilled() throws Exception {
        restartable.createTopic("killed", 2);
        List<String> sent = produce(restartable, "killed", 5);

        restartable.kill();
        assertFalse(restartable.isRunning());
        restartable.start();

        assertEquals(sent, sorted(consumeAll(restartable, "killed", sent.size())));
    }

    @Test
    void startsOnOtherPortsWhenAnotherProcessTookItsPortBeforeTheFirstStart() throws Exception {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker();
        String picked = broker.bootstrapServers();
        // Another build's server binding the port between our pick and the broker's own bind.
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port(picked)));

            broker.start();

            assertNotEquals(picked, broker.bootstrapServers());
            broker.createTopic("moved", 1);
            assertEquals(List.of("moved-0"), produce(broker, "moved", 1));
        } finally {
            broker.close();
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static List<String> produce(KafkaServer kafka, String topic, int count)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
            for (int i = 0; i < count; i++) {
                String value = topic + "-" + i;
                producer.send(new ProducerRecord<>(topic, "key-" + i, value)).get(30, TimeUnit.SECONDS);
                values.add(value);
            }
        }
        return values;
    }

    private static KafkaProducer<String, String> producer(KafkaServer kafka, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /** Reads every partition from the beginning, without a consumer group, until {@code count} records arrived. */
    private static List<String> consumeAll(KafkaServer kafka, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEADLINE).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("records of " + topic).atMost(DEADLINE).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= count;
            });
        }
        return values;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted(Comparator.comparingInt(
                value -> Integer.parseInt(value.substring(value.lastIndexOf('-') + 1)))).toList();
    }
}
