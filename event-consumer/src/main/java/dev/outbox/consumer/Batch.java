package dev.outbox.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A polled batch while it is being applied: the events read, in order, the poison among the records and whether it
 * was dead-lettered yet, and where each partition's records end. Reading a record is deterministic, so a record
 * whose reading fails in any way is poison.
 */
final class Batch<E> {

    /** An event read from {@code record}. */
    record Event<E>(ConsumerRecord<byte[], byte[]> record, E value) {
    }

    private final List<Event<E>> events = new ArrayList<>();
    private final List<DeadLetters.Poison> poisonToSend = new ArrayList<>();
    private final List<DeadLetters.Poison> deadLettered = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets;

    private Batch(Map<TopicPartition, Long> nextOffsets) {
        this.nextOffsets = nextOffsets;
    }

    static <E> Batch<E> read(ConsumerRecords<byte[], byte[]> records, EventHandler<E> handler) {
        Batch<E> batch = new Batch<>(offsetsAfter(records));
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                batch.events.add(new Event<>(record, handler.read(record)));
            } catch (PoisonEventException e) {
                batch.poisonToSend.add(new DeadLetters.Poison(record, e.getMessage()));
            } catch (RuntimeException e) {
                batch.poisonToSend.add(new DeadLetters.Poison(record, "reading it failed: " + e));
            }
        }
        return batch;
    }

    List<Event<E>> events() {
        return List.copyOf(events);
    }

    /** Events left to apply. */
    int size() {
        return events.size();
    }

    /** For each partition of the batch, the offset after its last record, poison included. */
    Map<TopicPartition, Long> nextOffsets() {
        return Map.copyOf(nextOffsets);
    }

    /** Takes the event out of those to apply: it is dead-lettered instead. */
    void poison(Event<E> event, String reason) {
        events.remove(event);
        poisonToSend.add(new DeadLetters.Poison(event.record(), reason));
    }

    List<DeadLetters.Poison> poisonToSend() {
        return List.copyOf(poisonToSend);
    }

    void poisonSent() {
        deadLettered.addAll(poisonToSend);
        poisonToSend.clear();
    }

    /** The poison of this batch sent to the dead-letter topic so far. */
    List<DeadLetters.Poison> deadLettered() {
        return List.copyOf(deadLettered);
    }

    /**
     * After a rebalance: drops the partitions this member no longer owns. Their new owner reads them from the
     * group's committed offsets, poison included.
     */
    void keepOnly(Set<TopicPartition> owned) {
        events.removeIf(event -> !owned.contains(partition(event.record())));
        poisonToSend.removeIf(poison -> !owned.contains(partition(poison.record())));
        nextOffsets.keySet().retainAll(owned);
    }

    static <E> List<E> values(List<Event<E>> events) {
        return events.stream().map(Event::value).toList();
    }

    static <E> List<ConsumerRecord<byte[], byte[]>> records(List<Event<E>> events) {
        return events.stream().map(Event::record).toList();
    }

    static <E> Map<TopicPartition, Long> nextOffsets(List<Event<E>> events) {
        Map<TopicPartition, Long> next = new HashMap<>();
        events.forEach(event -> next.merge(partition(event.record()), event.record().offset() + 1, Math::max));
        return next;
    }

    private static Map<TopicPartition, Long> offsetsAfter(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            next.put(partition, inPartition.get(inPartition.size() - 1).offset() + 1);
        }
        return next;
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}
