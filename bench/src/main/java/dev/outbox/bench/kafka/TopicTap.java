package dev.outbox.bench.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * A consumer of every partition of a topic, on its own thread, handing each record to a {@link Sink} with the moment
 * this JVM received it. No group, no commits; a fetch returns as soon as one byte is there, so a tap adds no batching
 * delay of its own to what it measures.
 */
public final class TopicTap implements AutoCloseable {

    /** Where a tap starts reading. */
    public enum From {
        /** Every record the topic holds or will hold (it may not exist yet). */
        BEGINNING,
        /** Only records appended after the tap was opened. */
        END
    }

    /** Called on the tap's thread for every record; a failure stops the tap and is rethrown by its owner. */
    public interface Sink {
        void received(ConsumerRecord<byte[], byte[]> record, long receivedNanos) throws Exception;
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Sink sink;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicTap(String name, String bootstrapServers, String topic, int partitions, From from, Sink sink) {
        this.sink = sink;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, name,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(assigned);
        if (from == From.END) {
            consumer.seekToEnd(assigned);
            // A seek is lazy: resolve it now, or records appended before the first poll would count as new.
            assigned.forEach(consumer::position);
        }
        thread = new Thread(this::consume, name);
        thread.start();
    }

    /** Rethrows what stopped the tap's thread, if anything did. */
    public void throwIfFailed() {
        RuntimeException stopped = failure.get();
        if (stopped != null) {
            throw stopped;
        }
    }

    private void consume() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    sink.received(record, now);
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        } catch (Exception e) {
            failure.set(new IllegalStateException("The tap's sink failed", e));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        consumer.close();
    }
}
