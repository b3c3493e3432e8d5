package dev.outbox.consumer.deadletter;

/**
 * The headers a replay writes. On the event published again: {@code dlq.replayed-from}, the dead letter it came from
 * (a consumer ignores it, like every {@code dlq.*} header). On the dead-letter topic, a marker without a value next
 * to the dead letter, which is how a later list or replay knows it was replayed: {@code dlq.replay-of} (the dead
 * letter), {@code dlq.replayed-to} (where the event landed), {@code dlq.replayed-at}.
 */
final class ReplayHeaders {

    static final String REPLAYED_FROM = "dlq.replayed-from";
    static final String REPLAY_OF = "dlq.replay-of";
    static final String REPLAYED_TO = "dlq.replayed-to";
    static final String REPLAYED_AT = "dlq.replayed-at";

    private ReplayHeaders() {
    }
}
