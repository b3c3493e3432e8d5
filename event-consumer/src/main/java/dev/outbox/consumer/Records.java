package dev.outbox.consumer;

import dev.outbox.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/** Reading what the relay puts on a record. */
public final class Records {

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

    /**
     * When the event's source transaction committed, in epoch milliseconds; empty for a record without it (relayed
     * before the relay wrote it) or with one that is not a decimal number. It only measures freshness, so a bad one
     * makes no event poison.
     */
    public static OptionalLong committedAtMillis(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(EventHeaders.COMMITTED_AT);
        if (header == null || header.value() == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
