package dev.outbox.relay.engine;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends each batch the engine hands over to Kafka and waits until every record is acknowledged; only then
 * marks the batch processed, which lets the engine commit its offsets. A failed send throws, which stops
 * the engine without committing: on restart the batch is read again from the slot, so nothing is lost and
 * at most one batch is duplicated (with the same event ids). A row that can never become an event (it cannot be
 * routed, or Kafka refuses it for good) is sent to the dead-letter topic instead, so the rows behind it still flow.
 */
final class KafkaSink implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = Logger.getLogger(KafkaSink.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final OutboxRouting routing;
    private final RelayProgress progress;
    private final int maxBatchSize;
    private final Duration ackTimeout;
    private final Consumer<KafkaNotAcknowledgedException> onKafkaFailure;

    /** @param onKafkaFailure told, before the engine is, that Kafka did not acknowledge a batch */
    KafkaSink(KafkaProducer<byte[], byte[]> producer, OutboxRouting routing, RelayProgress progress, int maxBatchSize,
              Duration ackTimeout, Consumer<KafkaNotAcknowledgedException> onKafkaFailure) {
        this.producer = producer;
        this.routing = routing;
        this.progress = progress;
        this.maxBatchSize = maxBatchSize;
        this.ackTimeout = ackTimeout;
        this.onKafkaFailure = onKafkaFailure;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        try {
            relay(batch, committer);
        } catch (KafkaNotAcknowledgedException e) {
            onKafkaFailure.accept(e);
            throw e;
        }
    }

    private void relay(List<RecordChangeEvent<SourceRecord>> batch,
                       DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        progress.batchReceived(batch.stream().map(e -> OutboxRouting.commitTimeMillis(e.record()))
                .flatMap(Optional::stream).findFirst());
        List<Sent> sent = new ArrayList<>(batch.size());
        List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord captured = event.record();
            Optional<ProducerRecord<byte[], byte[]>> record;
            try {
                record = routing.toKafka(captured);
            } catch (RuntimeException e) {
                deadLetters.add(routing.deadLetter(captured, "cannot be routed: " + e));
                continue;
            }
            record.ifPresent(r -> sent.add(new Sent(captured, r.topic(), producer.send(r))));
        }
        producer.flush();
        for (Sent one : sent) {
            Optional<Throwable> refusal = awaitAck(one.ack());
            if (refusal.isPresent()) {
                deadLetters.add(routing.deadLetter(one.captured(), "refused by Kafka: " + refusal.get()));
            } else {
                progress.eventRelayed(one.topic());
            }
        }
        sendDeadLetters(deadLetters);
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        Optional<Long> newest = batch.isEmpty() ? Optional.empty()
                : OutboxRouting.commitTimeMillis(batch.get(batch.size() - 1).record());
        progress.batchAcknowledged(newest, batch.size() >= maxBatchSize);
    }

    /** Dead letters are acknowledged before the batch's offsets move, like the events they replace. */
    private void sendDeadLetters(List<ProducerRecord<byte[], byte[]>> deadLetters) throws InterruptedException {
        List<Future<RecordMetadata>> acks = deadLetters.stream().map(producer::send).toList();
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            Optional<Throwable> refusal = awaitAck(ack);
            if (refusal.isPresent()) {
                throw new KafkaNotAcknowledgedException(refusal.get());
            }
            progress.eventDeadLettered();
        }
        deadLetters.forEach(d -> LOG.warnf("Outbox row at LSN %s dead-lettered to %s: %s",
                header(d, "dlq.source.lsn"), d.topic(), header(d, "dlq.reason")));
    }

    /**
     * Empty once Kafka acknowledged the record; the reason when Kafka refuses this record for good (too large,
     * invalid), which no retry can change. Any other failure, or no answer in time, throws: the batch's offsets
     * must not be committed.
     */
    private Optional<Throwable> awaitAck(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordTooLargeException || e.getCause() instanceof InvalidRecordException) {
                return Optional.of(e.getCause());
            }
            progress.sendFailed();
            throw new KafkaNotAcknowledgedException(e.getCause());
        } catch (TimeoutException e) {
            progress.sendFailed();
            throw new KafkaNotAcknowledgedException(e);
        }
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** A record handed to the producer, with the row it came from. */
    private record Sent(SourceRecord captured, String topic, Future<RecordMetadata> ack) {
    }

    /** Kafka did not acknowledge a record: the batch's offsets must not be committed. */
    static final class KafkaNotAcknowledgedException extends RuntimeException {
        KafkaNotAcknowledgedException(Throwable cause) {
            super("Kafka did not acknowledge a record; stopping without committing the batch's offsets", cause);
        }
    }
}
