package dev.outbox.consumer.deadletter;

/** Where a record is on Kafka, written {@code topic-partition@offset} as the consumer's log lines write it. */
public record Position(String topic, int partition, long offset) {

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }

    /** Reads {@link #toString()} back; null for text that is not a position. */
    static Position parse(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf('@');
        int dash = at < 0 ? -1 : text.lastIndexOf('-', at);
        if (dash <= 0) {
            return null;
        }
        try {
            return new Position(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1, at)),
                    Long.parseLong(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
