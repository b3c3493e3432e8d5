package dev.outbox.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One member of a consumer group: polls a batch, sends its poison events to the dead-letter topic, has the
 * {@link EventHandler} apply the rest, and only then commits the offsets (auto-commit is off).
 * <ul>
 * <li>A transient failure retries the same batch with backoff on paused partitions, so the member stays in the
 * group and no event is skipped; whatever a rebalance lets through meanwhile is rewound, never dropped.</li>
 * <li>A failure the handler calls deterministic is narrowed down by applying halves of the batch until the event
 * that fails alone is found; that event is dead-lettered and the rest applied.</li>
 * <li>Anything else that leaves the loop is reported to {@code onFailure} (the applications exit, to be restarted)
 * after the member stopped being ready: it never dies silently.</li>
 * </ul>
 * How fresh it keeps the group ({@link Freshness}) is measured for every event applied, and travels with each offset
 * commit as its metadata.
 * Each event that carries the publish's trace context gets a span in that trace ({@link BatchSpans}).
 */
public final class GroupConsumer<E> {

    private static final Logger LOG = Logger.getLogger(GroupConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ConsumerSettings settings;
    private final EventHandler<E> handler;
    private final Consumer<Throwable> onFailure;
    private final MeterRegistry metrics;
    private final OpenTelemetry tracing;
    private final Counter applied;
    private final Counter skipped;
    private final Counter deadLettered;
    private final Counter commitsFailed;
    private final Freshness freshness;
    private final Map<TopicPartition, Long> lagByPartition = new ConcurrentHashMap<>();
    /**
     * The owned partitions, replaced whole at the end of each rebalance callback: the callbacks change
     * {@link #lagByPartition} one partition at a time, and a reader on another thread (readiness, a test's probe) must
     * never see half an assignment.
     */
    private volatile Set<TopicPartition> owned = Set.of();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean started;
    private volatile boolean joined;
    private volatile boolean handlerHealthy = true;
    private volatile Throwable failure;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** @param onFailure told once, from the member's thread, when the member stopped for good on its own */
    public GroupConsumer(ConsumerSettings settings, EventHandler<E> handler, MeterRegistry metrics,
                         OpenTelemetry tracing, Consumer<Throwable> onFailure) {
        this.settings = settings;
        this.handler = handler;
        this.onFailure = onFailure;
        this.metrics = metrics;
        this.tracing = tracing;
        this.applied = Counter.builder(settings.name() + ".events.applied")
                .description("Events that took effect").register(metrics);
        this.skipped = Counter.builder(settings.name() + ".events.skipped")
                .description("Redelivered or stale events that had no effect").register(metrics);
        this.deadLettered = Counter.builder(settings.name() + ".events.dead.lettered")
                .description("Poison events copied to the dead-letter topic").register(metrics);
        this.commitsFailed = Counter.builder(settings.name() + ".offset.commits.failed")
                .description("Offset commits refused after the batch was applied (its events are redelivered)")
                .register(metrics);
        this.freshness = new Freshness(settings.name(), metrics, Clock.systemUTC());
        Gauge.builder(settings.name() + ".consumer.failed", this, member -> member.failure == null ? 0 : 1)
                .description("1 once this member stopped for good; the process exits next").register(metrics);
    }

    /** Joins the group on a thread of its own; not after {@link #stop()}, which may come first. */
    public synchronized void start() {
        if (!running) {
            return;
        }
        started = true;
        LOG.debugf("lz4: %s", NativeLz4.load());
        new Thread(this::run, settings.name() + "-consumer").start();
    }

    /** Leaves the group cleanly: wakes the poll and waits for the batch in hand to finish. */
    public void stop() throws InterruptedException {
        synchronized (this) {
            running = false;
            if (!started) {
                return;
            }
        }
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Ready once this member joined the group, while its last attempt to apply a batch succeeded and it has not
     * failed. A member without partitions (more members than partitions) is ready too: a healthy standby.
     */
    public boolean isReady() {
        return joined && handlerHealthy && failure == null;
    }

    /** Joined, but the group gave this member no partition. */
    public boolean isIdle() {
        return joined && owned.isEmpty();
    }

    public Set<TopicPartition> assignment() {
        return owned;
    }

    /** Records of the owned partitions not yet consumed, as of the last fetch. */
    public long lag() {
        return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties());
             KafkaClientMetrics consumerMetrics = bound(new KafkaClientMetrics(kafka));
             KafkaClientMetrics producerMetrics = bound(new KafkaClientMetrics(producer))) {
            consumer = kafka;
            DeadLetters deadLetters = new DeadLetters(producer, settings.deadLetterTopic(), settings.groupId());
            kafka.subscribe(List.of(settings.topic()), new Rebalance(kafka));
            while (running) {
                ConsumerRecords<byte[], byte[]> polled = kafka.poll(POLL_TIMEOUT);
                if (!polled.isEmpty()) {
                    BatchSpans spans = BatchSpans.start(tracing, settings, polled);
                    Batch<E> batch = Batch.read(polled, handler);
                    boolean committed = false;
                    try {
                        if (applyUntilDone(kafka, batch, deadLetters)) {
                            commitOwned(kafka, batch.nextOffsets());
                            committed = true;
                        }
                    } finally {
                        spans.end(batch, committed);
                    }
                    freshness.released();
                }
                recordLag(kafka);
            }
        } catch (WakeupException e) {
            // Only stop() wakes the poll: leave the loop, closing the consumer leaves the group cleanly.
        } catch (Throwable e) {
            if (running) {
                fail(e);
            } else {
                LOG.warnf(e, "The %s consumer failed while stopping", settings.name());
            }
        } finally {
            freshness.released();
            consumer = null;
            stopped.countDown();
        }
    }

    /**
     * The Kafka clients' own figures ({@code kafka_consumer_*}: fetch rates and latency, commit latency, rebalances;
     * {@code kafka_producer_*} of the dead-letter producer), as the relay's producer has them; removed when the client
     * closes.
     */
    private KafkaClientMetrics bound(KafkaClientMetrics clientMetrics) {
        clientMetrics.bindTo(metrics);
        return clientMetrics;
    }

    private void fail(Throwable cause) {
        failure = cause;
        LOG.errorf(cause, "The %s consumer cannot go on", settings.name());
        onFailure.accept(cause);
    }

    /**
     * Retries the batch with backoff until it is applied: a transient failure must never skip an event. False when
     * stopped first: the batch was not applied and its offsets must not be committed.
     */
    private boolean applyUntilDone(KafkaConsumer<byte[], byte[]> kafka, Batch<E> batch, DeadLetters deadLetters)
            throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            freshness.holding(Batch.records(batch.events()));
            try {
                deadLetter(deadLetters, batch);
                if (!applyNarrowingDown(batch, batch.events(), batch.nextOffsets(), deadLetters)) {
                    // Applied in parts: a handler that keeps positions records the batch's end too.
                    record(handler.apply(List.of(), batch.nextOffsets()));
                }
                if (!kafka.paused().isEmpty()) {
                    kafka.resume(kafka.paused());
                }
                if (!handlerHealthy) {
                    LOG.info("Applying events again");
                    handlerHealthy = true;
                }
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                handlerHealthy = false;
                LOG.warnf("Could not apply a batch of %d events (%s); retrying in %s", batch.size(), e, backoff);
                waitInTheGroup(kafka, backoff);
                batch.keepOnly(kafka.assignment());
                backoff = backoff.multipliedBy(2).compareTo(settings.maxRetryBackoff()) > 0
                        ? settings.maxRetryBackoff() : backoff.multipliedBy(2);
            }
        }
        return false;
    }

    /** Sends the batch's poison not sent yet: once per batch, however often applying the rest is retried. */
    private void deadLetter(DeadLetters deadLetters, Batch<E> batch) throws Exception {
        List<DeadLetters.Poison> poisons = batch.poisonToSend();
        if (poisons.isEmpty()) {
            return;
        }
        deadLetters.send(poisons);
        batch.poisonSent();
        deadLettered.increment(poisons.size());
        poisons.forEach(p -> LOG.warnf("Dead-lettered %s-%d@%d: %s", p.record().topic(), p.record().partition(),
                p.record().offset(), p.reason()));
    }

    /**
     * Applies {@code events}; when that fails for a reason in the events themselves, applies each half in turn, down
     * to the single event that fails alone, which is dead-lettered. A transient failure is thrown: the batch is
     * retried as it stands, without what was already dead-lettered.
     *
     * @return true when applied at once, false when applied in parts
     */
    private boolean applyNarrowingDown(Batch<E> batch, List<Batch.Event<E>> events,
                                       Map<TopicPartition, Long> nextOffsets, DeadLetters deadLetters)
            throws Exception {
        try {
            EventHandler.Applied outcome = handler.apply(Batch.values(events), nextOffsets);
            record(outcome);
            freshness.applied(Batch.records(events), outcome.alreadyHeld());
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException || handler.isTransient(e)) {
                throw e;
            }
            if (events.size() == 1) {
                batch.poison(events.get(0), "applying it failed: " + e);
                deadLetter(deadLetters, batch);
            } else {
                for (List<Batch.Event<E>> half : List.of(events.subList(0, events.size() / 2),
                        events.subList(events.size() / 2, events.size()))) {
                    applyNarrowingDown(batch, List.copyOf(half), Batch.nextOffsets(half), deadLetters);
                }
            }
            return false;
        }
    }

    private void record(EventHandler.Applied outcome) {
        applied.increment(outcome.applied());
        skipped.increment(outcome.skipped());
    }

    /**
     * Waits out the backoff while staying in the group. A rebalance during the wait un-pauses partitions and resets
     * positions, so whatever a poll returns is put back (positions rewound to its first records) for after the
     * batch in hand: nothing polled is ever dropped.
     */
    private void waitInTheGroup(KafkaConsumer<byte[], byte[]> kafka, Duration backoff) {
        long deadline = System.nanoTime() + backoff.toNanos();
        long left;
        while (running && (left = deadline - System.nanoTime()) > 0) {
            kafka.pause(kafka.assignment());
            ConsumerRecords<byte[], byte[]> letThrough = kafka.poll(Duration.ofNanos(left));
            for (TopicPartition partition : letThrough.partitions()) {
                kafka.seek(partition, letThrough.records(partition).get(0).offset());
            }
        }
    }

    /**
     * Commits the batch's next offsets for the partitions still owned; a revoked one is redelivered and skipped. A
     * refused commit leaves the batch applied and its events to be redelivered and skipped: the member goes on.
     */
    private void commitOwned(KafkaConsumer<byte[], byte[]> kafka, Map<TopicPartition, Long> next) {
        Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>();
        Set<TopicPartition> assignment = kafka.assignment();
        next.forEach((partition, offset) -> {
            if (assignment.contains(partition)) {
                owned.put(partition, new OffsetAndMetadata(offset, freshness.commitMetadata(partition)));
            }
        });
        if (owned.isEmpty()) {
            return;
        }
        try {
            kafka.commitSync(owned);
        } catch (CommitFailedException | RebalanceInProgressException | TimeoutException e) {
            commitsFailed.increment();
            LOG.warnf("Offsets %s not committed (%s): the batch is applied, its events will be redelivered and "
                    + "skipped", owned.keySet(), e.getMessage());
        }
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
        settings.instanceId().ifPresent(id -> p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        if (!usesConsumerProtocol()) {
            // A member that crashed and is not restarted (or has no instance id) holds its partitions until its
            // session times out. Kafka's default is 45 s. KIP-848's consumer protocol takes both from the broker and
            // refuses them here (docs/reliability.md, "Rejoining after a crash").
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(settings.consumer());
        return p;
    }

    private boolean usesConsumerProtocol() {
        return "consumer".equalsIgnoreCase(settings.consumer().getOrDefault(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "")
                .strip());
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
            owned = Set.copyOf(lagByPartition.keySet());
            freshness.revoked(partitions);
            LOG.infof("Partitions revoked: %s", partitions);
        }

        /** Called after every rebalance this member took part in, with no partitions when it is a standby. */
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
            owned = Set.copyOf(lagByPartition.keySet()); // before joined: a joined member with partitions is never idle
            joined = true;
            if (lagByPartition.isEmpty()) {
                LOG.info("In the group without partitions: a standby");
            } else {
                LOG.infof("Partitions assigned: %s", partitions);
            }
        }
    }
}
