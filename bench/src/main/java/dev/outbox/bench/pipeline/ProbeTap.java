package dev.outbox.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.bench.kafka.TopicTap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads every partition of the topic from the end it had when the tap was opened and notes when each event of the
 * probe author (the Kafka key is the author id) reached this JVM, by blog id.
 */
final class ProbeTap implements AutoCloseable {

    private static final Duration ARRIVAL_POLL = Duration.ofMillis(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] probeKey;
    private final Map<Long, Long> arrivalNanosByBlog = new ConcurrentHashMap<>();
    private final TopicTap tap;

    ProbeTap(String bootstrapServers, String topic, int partitions, long probeAuthorId) {
        probeKey = Long.toString(probeAuthorId).getBytes(StandardCharsets.UTF_8);
        tap = new TopicTap("pipeline-bench-probe-tap", bootstrapServers, topic, partitions, TopicTap.From.END,
                this::received);
    }

    /** When the event of probe blog {@code blogId} reached this JVM ({@link System#nanoTime()}). */
    long awaitArrival(long blogId, Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (true) {
            tap.throwIfFailed();
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

    private void received(ConsumerRecord<byte[], byte[]> record, long receivedNanos) throws Exception {
        if (Arrays.equals(record.key(), probeKey)) {
            arrivalNanosByBlog.put(JSON.readTree(record.value()).get("blog_id").asLong(), receivedNanos);
        }
    }

    @Override
    public void close() throws InterruptedException {
        tap.close();
    }
}
