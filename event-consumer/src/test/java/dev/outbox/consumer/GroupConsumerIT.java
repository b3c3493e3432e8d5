package dev.outbox.consumer;

import dev.outbox.testsupport.SharedInfrastructure;
import dev.outbox.testsupport.kafka.KafkaServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One group member on a real broker: offsets move only past batches the handler applied. */
class GroupConsumerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final KafkaServer kafka = SharedInfrastructure.kafka();

    @Test
    void commitsOffsetsOnlyAfterTheHandlerAppliedAndDeadLettersPoison(TestInfo test) throws Exception {
        String topic = topic(test);
        List<String> applied = new CopyOnWriteArrayList<>();
        GroupConsumer<String> member = member(topic, new Handler() {
            @Override
            public Applied apply(List<String> events, Map<TopicPartition, Long> nextOffsets) {
                applied.addAll(events);
                return new Applied(events.size(), 0);
            }
        });
        send(topic, "one", "poison", "two");
        member.start();
        try {
            await().atMost(DEADLINE).until(() -> committed(topic) == 3);
            assertThat(applied).containsExactly("one", "two");
            assertThat(endOffset(topic + ".dlq")).as("records in the dead-letter topic").isEqualTo(1);
        } finally {
            member.stop();
        }
    }

    @Test
    void aBatchStillFailingWhenStoppedIsNotCommitted(TestInfo test) throws Exception {
        String topic = topic(test);
        AtomicInteger attempts = new AtomicInteger();
        GroupConsumer<String> member = member(topic, new Handler() {
            @Override
            public Applied apply(List<String> events, Map<TopicPartition, Long> nextOffsets) throws IOException {
                attempts.incrementAndGet();
                throw new IOException("the store is down");
            }
        });
        send(topic, "one", "two");
        member.start();
        await().atMost(DEADLINE).until(() -> attempts.get() >= 2);
        assertThat(member.isReady()).isFalse();

        member.stop();

        assertThat(committed(topic)).as("offsets committed for a batch never applied").isZero();
    }

    private GroupConsumer<String> member(String topic, Handler handler) {
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + ".dlq", 1);
        return new GroupConsumer<>(new ConsumerSettings("test", kafka.bootstrapServers(), topic, topic + ".dlq",
                topic + "-group", Duration.ofMillis(400), Map.of(), Map.of()), handler, new SimpleMeterRegistry());
    }

    private void send(String topic, String... values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
        }
    }

    /** The group's committed offset on the topic's one partition; 0 when it never committed. */
    private long committed(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(topic + "-group").partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    private long endOffset(String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = kafka.admin()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS)
                    .get(partition).offset();
        }
    }

    private static String topic(TestInfo test) {
        return "events-" + test.getTestMethod().orElseThrow().getName();
    }

    /** Reads a record's value as text; "poison" is poison. */
    private abstract static class Handler implements EventHandler<String> {

        @Override
        public String read(ConsumerRecord<byte[], byte[]> record) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (value.equals("poison")) {
                throw new PoisonEventException("poison for the test");
            }
            return value;
        }
    }
}
