package dev.outbox.consumer.deadletter;

import dev.outbox.consumer.DeadLetters;
import dev.outbox.consumer.EventPayload;
import dev.outbox.consumer.PoisonEventException;
import dev.outbox.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A record of the dead-letter topic read back: which group gave up on which event, where it was, why and when, and
 * whether it was replayed since. {@code key}, {@code value} and {@code eventHeaders} are the event as the group
 * received it (every header but the {@code dlq.*} ones), which a replay publishes again.
 *
 * @param eventId    the relay's {@code id} header, else the payload's {@code event_id}; null when neither is there
 * @param eventType  the relay's {@code eventType} header, else the payload's {@code event_type}; null when neither
 * @param replayOf   when this dead letter is a replayed event that failed again: the dead letter it was replayed from
 * @param replay     set once it was replayed
 */
public record DeadLetter(Position position, String group, Position source, String eventId, String eventType,
                         String reason, Instant deadLetteredAt, Optional<Position> replayOf,
                         Optional<Replay> replay, byte[] key, byte[] value, List<Header> eventHeaders) {

    /** When a dead letter was published again, and where to. */
    public record Replay(Instant at, Position to) {
    }

    /** The payload as text, for people: events are UTF-8 JSON; a poison one may be anything. */
    public String payload() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    DeadLetter replayed(Replay done) {
        return new DeadLetter(position, group, source, eventId, eventType, reason, deadLetteredAt, replayOf,
                Optional.of(done), key, value, eventHeaders);
    }

    /** Reads a dead letter a consumer group wrote ({@link DeadLetters}); tolerant, as a poison event may lack anything. */
    static DeadLetter read(ConsumerRecord<byte[], byte[]> record) {
        Position source = new Position(text(record, DeadLetters.SOURCE_TOPIC),
                (int) number(text(record, DeadLetters.SOURCE_PARTITION)),
                number(text(record, DeadLetters.SOURCE_OFFSET)));
        List<Header> eventHeaders = Arrays.stream(record.headers().toArray())
                .filter(header -> !header.key().startsWith(DeadLetters.HEADER_PREFIX))
                .<Header>map(header -> new RecordHeader(header.key(), header.value()))
                .toList();
        Optional<EventPayload> payload = payload(record.value());
        return new DeadLetter(positionOf(record), text(record, DeadLetters.CONSUMER_GROUP), source,
                text(record, EventHeaders.ID, payload, "event_id"),
                text(record, EventHeaders.EVENT_TYPE, payload, "event_type"),
                text(record, DeadLetters.REASON), deadLetteredAt(record),
                Optional.ofNullable(Position.parse(text(record, ReplayHeaders.REPLAYED_FROM))), Optional.empty(),
                record.key(), record.value(), eventHeaders);
    }

    static Position positionOf(ConsumerRecord<?, ?> record) {
        return new Position(record.topic(), record.partition(), record.offset());
    }

    /** The header, else the record's timestamp: dead letters written before the header existed keep the event's. */
    private static Instant deadLetteredAt(ConsumerRecord<byte[], byte[]> record) {
        String at = text(record, DeadLetters.DEAD_LETTERED_AT);
        try {
            return at != null ? Instant.parse(at) : Instant.ofEpochMilli(record.timestamp());
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(record.timestamp());
        }
    }

    private static String text(ConsumerRecord<byte[], byte[]> record, String header, Optional<EventPayload> payload,
                               String field) {
        String value = text(record, header);
        if (value != null || payload.isEmpty()) {
            return value;
        }
        try {
            return payload.get().text(field);
        } catch (PoisonEventException e) {
            return null;
        }
    }

    private static Optional<EventPayload> payload(byte[] value) {
        try {
            return Optional.of(EventPayload.parse(value));
        } catch (PoisonEventException e) {
            return Optional.empty();
        }
    }

    static String text(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
