package dev.outbox.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a consumer group does with its events: read each record (throwing {@link PoisonEventException} for one
 * that can never be applied; any other failure to read is poison too) and apply a batch durably. {@link GroupConsumer} commits the offsets only after
 * {@link #apply} returns.
 */
public interface EventHandler<E> {

    E read(ConsumerRecord<byte[], byte[]> record);

    /**
     * Applies the batch so that it survives a crash, or throws to have the same batch retried.
     *
     * @param nextOffsets for each partition in the batch, the offset after its last record (poison included)
     */
    Applied apply(List<E> events, Map<TopicPartition, Long> nextOffsets) throws Exception;

    /**
     * Whether a failure of {@link #apply} may pass by itself (the same batch is retried, with backoff) or comes from
     * an event (the batch is applied in halves until the event failing alone is found, and it is dead-lettered).
     * When unsure, transient: a retry never loses an event.
     */
    default boolean isTransient(Exception failure) {
        return true;
    }

    /**
     * Where to start reading newly assigned partitions when the handler's own store knows better than the
     * group's committed offsets (a partition left out reads from the committed offset).
     */
    default Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> assigned) {
        return Map.of();
    }

    /**
     * How a batch turned out: {@code applied} events took effect, {@code skipped} did not (redelivered, stale, or
     * superseded by a newer one in the batch). {@code alreadyHeld} marks, by position in the list handed to
     * {@link #apply}, the events the handler had before this batch (redelivered or stale): freshness leaves them out, as
     * it measures how long an event took to take effect, and a redelivery's is only how long ago it first did.
     */
    record Applied(int applied, int skipped, BitSet alreadyHeld) {

        public Applied {
            alreadyHeld = (BitSet) alreadyHeld.clone();
        }

        /** Nothing in the batch was held before it. */
        public static Applied allNew(int applied, int skipped) {
            return new Applied(applied, skipped, new BitSet());
        }

        @Override
        public BitSet alreadyHeld() {
            return (BitSet) alreadyHeld.clone();
        }
    }
}
