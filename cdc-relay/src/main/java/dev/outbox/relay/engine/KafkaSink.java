package dev.outbox.relay.engine;

import dev.outbox.relay.lag.RelayProgress;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends each batch the engine hands over to Kafka and waits until every record is acknowledged; only then
 * marks the batch processed, which lets the engine commit its offsets. A failed send throws, which stops
 * the engine without committing: on restart the batch is read again from the slot, so nothing is lost and
 * at most one batch is duplicated (with the same event ids).
 */
final class KafkaSink implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final KafkaProducer<byte[], byte[]> producer;
    private final OutboxRouting routing;
    private final RelayProgress progress;
    private final int maxBatchSize;
    private final Duration ackTimeout;

    KafkaSink(KafkaProducer<byte[], byte[]> producer, OutboxRouting routing, RelayProgress progress, int maxBatchSize,
              Duration ackTimeout) {
        this.producer = producer;
        this.routing = routing;
        this.progress = progress;
        this.maxBatchSize = maxBatchSize;
        this.ackTimeout = ackTimeout;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        progress.batchReceived(batch.stream().map(e -> OutboxRouting.commitTimeMillis(e.record()))
                .flatMap(Optional::stream).findFirst());
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        List<String> topics = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> event : batch) {
            Optional<ProducerRecord<byte[], byte[]>> record = routing.toKafka(event.record());
            if (record.isPresent()) {
                acks.add(producer.send(record.get()));
                topics.add(record.get().topic());
            }
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            awaitAck(ack);
        }
        topics.forEach(progress::eventRelayed);
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        Optional<Long> newest = batch.isEmpty() ? Optional.empty()
                : OutboxRouting.commitTimeMillis(batch.get(batch.size() - 1).record());
        progress.batchAcknowledged(newest, batch.size() >= maxBatchSize);
    }

    private void awaitAck(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            progress.sendFailed();
            throw new KafkaNotAcknowledgedException(e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    /** Kafka did not acknowledge a record: the batch's offsets must not be committed. */
    static final class KafkaNotAcknowledgedException extends RuntimeException {
        KafkaNotAcknowledgedException(Throwable cause) {
            super("Kafka did not acknowledge a record; stopping without committing the batch's offsets", cause);
        }
    }
}
