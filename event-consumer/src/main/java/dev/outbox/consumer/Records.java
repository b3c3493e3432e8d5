package dev.outbox.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/** Reading what the relay puts on a record. */
public final class Records {

    /** The header the relay puts the outbox row's {@code id} in (Debezium's Outbox Event Router): the event id. */
    public static final String ID_HEADER = "id";

    private Records() {
    }

    /** The last value of a header as UTF-8 text, or null when absent; a header without a value is poison. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            return null;
        }
        if (header.value() == null) {
            throw new PoisonEventException("header '" + name + "' has no value");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
