package dev.outbox.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A consumer of every partition of the topic, from the end it had when the tap was opened, on its own thread: notes
 * when each event of the probe author (the Kafka key is the author id) reached this JVM, by blog id.
 */
final class ProbeTap implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration ARRIVAL_POLL = Duration.ofMillis(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final byte[] probeKey;
    private final Map<Long, Long> arrivalNanosByBlog = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    ProbeTap(String bootstrapServers, String topic, long probeAuthorId) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "pipeline-bench-probe-tap",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // A fetch returns as soon as one byte is there: the tap must add no batching delay of its own.
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // A seek is lazy: resolve it now, or events published before the first poll would count as new.
        partitions.forEach(consumer::position);
        probeKey = Long.toString(probeAuthorId).getBytes(StandardCharsets.UTF_8);
        thread = new Thread(this::consume, "probe-tap");
        thread.start();
    }

    /** When the event of probe blog {@code blogId} reached this JVM ({@link System#nanoTime()}). */
    long awaitArrival(long blogId, Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (failure.get() != null) {
                throw failure.get();
            }
            Long arrival = arrivalNanosByBlog.remove(blogId);
            if (arrival != null) {
                return arrival;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("The event of probe blog " + blogId + " was not on Kafka within "
                        + deadline);
            }
            Thread.sleep(ARRIVAL_POLL.toMillis());
        }
    }

    private void consume() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (Arrays.equals(record.key(), probeKey)) {
                        arrivalNanosByBlog.put(JSON.readTree(record.value()).get("blog_id").asLong(), now);
                    }
                }
            }
        } catch (IOException e) {
            failure.set(new IllegalStateException("A probe event on Kafka is not JSON", e));
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        consumer.close();
    }
}
