package dev.outbox.relay.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far the relay is behind the database, in time, and what it has relayed.
 * <p>
 * "Behind" is the age (now minus commit time) of the oldest change the relay holds but Kafka has not
 * acknowledged yet. Between batches it is the age of the newest acknowledged change when the last batch was
 * full (more is queued), and 0 when it was not (the engine had nothing more): unlike Debezium's
 * {@code MilliSecondsBehindSource}, it reads 0 when the relay is caught up and idle instead of growing.
 */
@ApplicationScoped
public class RelayProgress {

    private static final long NONE = -1;

    private final AtomicLong oldestPendingCommitMillis = new AtomicLong(NONE);
    private final AtomicLong newestAckedCommitMillis = new AtomicLong(NONE);
    private final AtomicLong lastAckMillis = new AtomicLong(NONE);
    private final AtomicLong eventsRelayed = new AtomicLong();
    private volatile boolean lastBatchWasFull;

    @Inject
    MeterRegistry metrics;

    Clock clock = Clock.systemUTC();

    private Counter batches;
    private Counter sendErrors;
    private Counter deadLettered;

    @PostConstruct
    void registerMeters() {
        batches = metrics.counter("relay.batches");
        sendErrors = metrics.counter("relay.kafka.send.errors");
        deadLettered = Counter.builder("relay.events.dead.lettered")
                .description("Outbox rows sent to the relay's dead-letter topic instead of the event topic")
                .register(metrics);
        Gauge.builder("relay.behind.source.seconds", this, p -> p.millisBehind() / 1000.0)
                .description("Age of the oldest change not yet acknowledged by Kafka; 0 when caught up")
                .register(metrics);
        Gauge.builder("relay.last.ack.timestamp.seconds", this, p -> p.lastAckMillis.get() / 1000.0)
                .register(metrics);
    }

    /** A batch arrived from the engine; its oldest change committed at {@code commitMillis} (if it has any). */
    public void batchReceived(Optional<Long> oldestCommitMillis) {
        oldestCommitMillis.ifPresent(oldestPendingCommitMillis::set);
    }

    /** Kafka acknowledged every record of the batch. */
    public void batchAcknowledged(Optional<Long> newestCommitMillis, boolean full) {
        newestCommitMillis.ifPresent(newestAckedCommitMillis::set);
        lastBatchWasFull = full;
        oldestPendingCommitMillis.set(NONE);
        lastAckMillis.set(clock.millis());
        batches.increment();
    }

    public void eventRelayed(String topic) {
        metrics.counter("relay.events", "topic", topic).increment();
        eventsRelayed.incrementAndGet();
    }

    /** Events Kafka acknowledged since this relay started, all topics together. */
    public long eventsRelayed() {
        return eventsRelayed.get();
    }

    public void sendFailed() {
        sendErrors.increment();
    }

    public void eventDeadLettered() {
        deadLettered.increment();
    }

    public long millisBehind() {
        long pending = oldestPendingCommitMillis.get();
        if (pending != NONE) {
            return Math.max(0, clock.millis() - pending);
        }
        long acked = newestAckedCommitMillis.get();
        return lastBatchWasFull && acked != NONE ? Math.max(0, clock.millis() - acked) : 0;
    }

    public Optional<Instant> lastAck() {
        long millis = lastAckMillis.get();
        return millis == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
