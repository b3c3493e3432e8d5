package dev.outbox.analytics.consume;

import dev.outbox.analytics.count.BlogCounter;
import dev.outbox.analytics.count.BlogEvent;
import dev.outbox.analytics.count.BlogEventReader;
import dev.outbox.analytics.count.PoisonEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka side of the analytics consumer group: polls a batch, sends its poison events to the dead-letter
 * topic, has {@link BlogCounter} apply the rest in one database transaction, and only then commits the
 * offsets (auto-commit is off). While the database is unavailable the same batch is retried with backoff
 * and the partitions are paused, so the group keeps its members and no event is skipped.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    @Inject
    AnalyticsConfig config;

    @Inject
    BlogCounter counter;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final Map<TopicPartition, Long> lagByPartition = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean databaseHealthy = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Counter applied;
    private Counter duplicates;
    private Counter deadLettered;

    void start(@Observes StartupEvent startup) {
        applied = metrics.counter("analytics.events.applied");
        duplicates = metrics.counter("analytics.events.duplicates.skipped");
        deadLettered = metrics.counter("analytics.events.dead.lettered");
        new Thread(this::run, "analytics-consumer").start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        stopped.await(30, TimeUnit.SECONDS);
    }

    /** Ready when this instance owns partitions and its last attempt to apply a batch reached the database. */
    public boolean isReady() {
        return !lagByPartition.isEmpty() && databaseHealthy;
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(lagByPartition.keySet());
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            consumer = kafka;
            DeadLetters deadLetters = new DeadLetters(producer, config.deadLetterTopic(), config.groupId());
            kafka.subscribe(List.of(config.topic()), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = kafka.poll(POLL_TIMEOUT);
                if (!batch.isEmpty()) {
                    applyUntilDone(kafka, batch, deadLetters);
                    commitOwned(kafka, batch);
                }
                recordLag(kafka);
            }
        } catch (WakeupException e) {
            // Shutdown woke the poll: leave the loop, closing the consumer leaves the group cleanly.
        } catch (RuntimeException e) {
            LOG.error("The analytics consumer stopped", e);
        } finally {
            stopped.countDown();
        }
    }

    /** Retries the batch with backoff until it is applied: a transient failure must never skip an event. */
    private void applyUntilDone(KafkaConsumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> batch,
                                DeadLetters deadLetters) {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            try {
                apply(batch, deadLetters);
                if (!databaseHealthy) {
                    LOG.info("Applying events again");
                    kafka.resume(kafka.paused());
                }
                databaseHealthy = true;
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            } catch (Exception e) {
                databaseHealthy = false;
                LOG.warnf("Could not apply a batch of %d events (%s); retrying in %s", batch.count(), e.getMessage(),
                        backoff);
                kafka.pause(kafka.assignment());
                // Polling a paused consumer returns nothing but keeps this member in the group while it waits.
                kafka.poll(backoff);
                backoff = backoff.multipliedBy(2).compareTo(config.maxRetryBackoff()) > 0
                        ? config.maxRetryBackoff() : backoff.multipliedBy(2);
            }
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> batch, DeadLetters deadLetters) throws Exception {
        List<BlogEvent> events = new ArrayList<>(batch.count());
        List<DeadLetters.Poison> poisons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            try {
                events.add(BlogEventReader.read(header(record, "id"), record.value()));
            } catch (PoisonEventException e) {
                poisons.add(new DeadLetters.Poison(record, e.getMessage()));
            }
        }
        deadLetters.send(poisons);
        BlogCounter.Outcome outcome = counter.apply(config.groupId(), events);
        applied.increment(outcome.applied());
        duplicates.increment(outcome.duplicates());
        deadLettered.increment(poisons.size());
        poisons.forEach(p -> LOG.warnf("Dead-lettered %s-%d@%d: %s", p.record().topic(), p.record().partition(),
                p.record().offset(), p.reason()));
    }

    /** Commits the batch's next offsets for the partitions still owned; a revoked one is redelivered and deduplicated. */
    private static void commitOwned(KafkaConsumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        Set<TopicPartition> owned = kafka.assignment();
        for (TopicPartition partition : batch.partitions()) {
            if (owned.contains(partition)) {
                List<ConsumerRecord<byte[], byte[]>> records = batch.records(partition);
                next.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
            }
        }
        kafka.commitSync(next);
    }

    /** {@code currentLag} uses what the last fetch learned, so this costs no round trip to the broker. */
    private void recordLag(KafkaConsumer<byte[], byte[]> kafka) {
        for (TopicPartition partition : kafka.assignment()) {
            kafka.currentLag(partition).ifPresent(lag -> lagByPartition.put(partition, lag));
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(config.consumer());
        return p;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-dead-letters");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(config.producer());
        return p;
    }

    /** Keeps the owned-partition view current; nothing is in flight here, batches finish between polls. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(lagByPartition::remove);
            LOG.infof("Partitions revoked: %s", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                lagByPartition.putIfAbsent(partition, 0L);
                Gauge.builder("analytics.consumer.lag", lagByPartition, lags -> lags.getOrDefault(partition, 0L))
                        .tags(Tags.of("topic", partition.topic(), "partition", Integer.toString(partition.partition())))
                        .description("Records in the partition not yet consumed by this group")
                        .register(metrics);
            }
            LOG.infof("Partitions assigned: %s", partitions);
        }
    }
}
