package dev.outbox.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

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
 * One member of a consumer group: polls a batch, sends its poison events to the dead-letter topic, has the
 * {@link EventHandler} apply the rest, and only then commits the offsets (auto-commit is off). While the handler
 * fails the same batch is retried with backoff on paused partitions, so the member stays in the group and no
 * event is skipped.
 */
public final class GroupConsumer<E> {

    private static final Logger LOG = Logger.getLogger(GroupConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ConsumerSettings settings;
    private final EventHandler<E> handler;
    private final MeterRegistry metrics;
    private final Counter applied;
    private final Counter skipped;
    private final Counter deadLettered;
    private final Map<TopicPartition, Long> lagByPartition = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean handlerHealthy = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public GroupConsumer(ConsumerSettings settings, EventHandler<E> handler, MeterRegistry metrics) {
        this.settings = settings;
        this.handler = handler;
        this.metrics = metrics;
        this.applied = Counter.builder(settings.name() + ".events.applied")
                .description("Events that took effect").register(metrics);
        this.skipped = Counter.builder(settings.name() + ".events.skipped")
                .description("Redelivered or stale events that had no effect").register(metrics);
        this.deadLettered = Counter.builder(settings.name() + ".events.dead.lettered")
                .description("Poison events copied to the dead-letter topic").register(metrics);
    }

    public void start() {
        new Thread(this::run, settings.name() + "-consumer").start();
    }

    /** Leaves the group cleanly: wakes the poll and waits for the batch in hand to finish. */
    public void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ready when this member owns partitions and its last attempt to apply a batch succeeded. */
    public boolean isReady() {
        return !lagByPartition.isEmpty() && handlerHealthy;
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(lagByPartition.keySet());
    }

    /** Records of the owned partitions not yet consumed, as of the last fetch. */
    public long lag() {
        return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            consumer = kafka;
            DeadLetters deadLetters = new DeadLetters(producer, settings.deadLetterTopic(), settings.groupId());
            kafka.subscribe(List.of(settings.topic()), new Rebalance(kafka));
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = kafka.poll(POLL_TIMEOUT);
                if (!batch.isEmpty()) {
                    Map<TopicPartition, Long> next = nextOffsets(batch);
                    if (applyUntilDone(kafka, batch, next, deadLetters)) {
                        commitOwned(kafka, next);
                    }
                }
                recordLag(kafka);
            }
        } catch (WakeupException e) {
            // Shutdown woke the poll: leave the loop, closing the consumer leaves the group cleanly.
        } catch (RuntimeException e) {
            LOG.errorf(e, "The %s consumer stopped", settings.name());
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Retries the batch with backoff until it is applied: a transient failure must never skip an event. False when
     * stopped first: the batch was not applied and its offsets must not be committed.
     */
    private boolean applyUntilDone(KafkaConsumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> batch,
                                   Map<TopicPartition, Long> next, DeadLetters deadLetters) {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            try {
                apply(batch, next, deadLetters);
                if (!handlerHealthy) {
                    LOG.info("Applying events again");
                    kafka.resume(kafka.paused());
                }
                handlerHealthy = true;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            } catch (Exception e) {
                handlerHealthy = false;
                LOG.warnf("Could not apply a batch of %d events (%s); retrying in %s", batch.count(), e.getMessage(),
                        backoff);
                kafka.pause(kafka.assignment());
                // Polling a paused consumer returns nothing but keeps this member in the group while it waits.
                kafka.poll(backoff);
                backoff = backoff.multipliedBy(2).compareTo(settings.maxRetryBackoff()) > 0
                        ? settings.maxRetryBackoff() : backoff.multipliedBy(2);
            }
        }
        return false;
    }

    private void apply(ConsumerRecords<byte[], byte[]> batch, Map<TopicPartition, Long> next, DeadLetters deadLetters)
            throws Exception {
        List<E> events = new ArrayList<>(batch.count());
        List<DeadLetters.Poison> poisons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            try {
                events.add(handler.read(record));
            } catch (PoisonEventException e) {
                poisons.add(new DeadLetters.Poison(record, e.getMessage()));
            }
        }
        deadLetters.send(poisons);
        EventHandler.Applied outcome = handler.apply(events, next);
        applied.increment(outcome.applied());
        skipped.increment(outcome.skipped());
        deadLettered.increment(poisons.size());
        poisons.forEach(p -> LOG.warnf("Dead-lettered %s-%d@%d: %s", p.record().topic(), p.record().partition(),
                p.record().offset(), p.reason()));
    }

    private static Map<TopicPartition, Long> nextOffsets(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(partition);
            next.put(partition, records.get(records.size() - 1).offset() + 1);
        }
        return next;
    }

    /** Commits the batch's next offsets for the partitions still owned; a revoked one is redelivered and skipped. */
    private static void commitOwned(KafkaConsumer<byte[], byte[]> kafka, Map<TopicPartition, Long> next) {
        Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>();
        Set<TopicPartition> assignment = kafka.assignment();
        next.forEach((partition, offset) -> {
            if (assignment.contains(partition)) {
                owned.put(partition, new OffsetAndMetadata(offset));
            }
        });
        kafka.commitSync(owned);
    }

    /** {@code currentLag} uses what the last fetch learned, so this costs no round trip to the broker. */
    private void recordLag(KafkaConsumer<byte[], byte[]> kafka) {
        for (TopicPartition partition : kafka.assignment()) {
            kafka.currentLag(partition).ifPresent(lag -> lagByPartition.put(partition, lag));
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        // A group has one member: after it crashes, its partitions sit idle until its session times out, even for its
        // restart. Kafka's default is 45 s.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(settings.consumer());
        return p;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-dead-letters");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(settings.producer());
        return p;
    }

    /** Keeps the owned-partition view current and starts where the handler says; batches finish between polls. */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final KafkaConsumer<byte[], byte[]> kafka;

        Rebalance(KafkaConsumer<byte[], byte[]> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(lagByPartition::remove);
            LOG.infof("Partitions revoked: %s", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            handler.startingOffsets(partitions).forEach(kafka::seek);
            for (TopicPartition partition : partitions) {
                lagByPartition.putIfAbsent(partition, 0L);
                Gauge.builder(settings.name() + ".consumer.lag", lagByPartition,
                                lags -> lags.getOrDefault(partition, 0L))
                        .tags(Tags.of("topic", partition.topic(), "partition", Integer.toString(partition.partition())))
                        .description("Records in the partition not yet consumed by this group")
                        .register(metrics);
            }
            LOG.infof("Partitions assigned: %s", partitions);
        }
    }
}
