package dev.outbox.search.index;

/**
 * A partition of the events topic as the index records it, so that the storage seam speaks no Kafka type; the Kafka
 * adapters convert. {@code topic-number}, as Kafka writes a partition, is the key of its offset in a Lucene commit.
 */
public record Partition(String topic, int number) {

    @Override
    public String toString() {
        return topic + "-" + number;
    }
}
