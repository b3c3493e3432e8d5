package dev.outbox.contract;

/**
 * The names of the record headers that both the relay and the consumer groups use, as the AsyncAPI document's
 * {@code EventHeaders} describes them: the relay writes them (or reads them from Debezium's Outbox Event Router),
 * the consumers read them.
 */
public final class EventHeaders {

    /** The outbox row's {@code id}, which Debezium's Outbox Event Router puts in this header: the event id. */
    public static final String ID = "id";
    /** The outbox row's {@code type}, which the relay has the router place in this header. */
    public static final String EVENT_TYPE = "eventType";
    /** The source transaction's commit time in epoch milliseconds, as decimal text (Debezium's source.ts_ms). */
    public static final String COMMITTED_AT = "committedAt";

    private EventHeaders() {
    }
}
