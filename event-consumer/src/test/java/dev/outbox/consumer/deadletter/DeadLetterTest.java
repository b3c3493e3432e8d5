package dev.outbox.consumer.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTest {

    @Test
    void readsWhereWhyAndWhenAndKeepsTheEventHeadersApartFromTheDeadLetterOnes() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("blog.events.dlq", 0, 12, utf8("7"),
                utf8("{\"event_type\":\"BlogUpdated\"}"));
        record.headers().add("id", utf8("0a1b2c3d-0000-4000-8000-000000000001"));
        record.headers().add("eventType", utf8("BlogPublished"));
        record.headers().add("ce_type", utf8("dev.outbox.blog.BlogPublished"));
        record.headers().add("dlq.reason", utf8("rejected by analytics.reject-event-types"));
        record.headers().add("dlq.source.topic", utf8("blog.events"));
        record.headers().add("dlq.source.partition", utf8("2"));
        record.headers().add("dlq.source.offset", utf8("41"));
        record.headers().add("dlq.consumer.group", utf8("analytics"));
        record.headers().add("dlq.dead-lettered-at", utf8("2026-12-02T05:40:00Z"));
        record.headers().add("dlq.replayed-from", utf8("blog.events.dlq-0@3"));

        DeadLetter read = DeadLetter.read(record);

        assertThat(read.position()).hasToString("blog.events.dlq-0@12");
        assertThat(read.source()).isEqualTo(new Position("blog.events", 2, 41));
        assertThat(read.group()).isEqualTo("analytics");
        assertThat(read.eventId()).isEqualTo("0a1b2c3d-0000-4000-8000-000000000001");
        assertThat(read.eventType()).as("the header wins over the payload").isEqualTo("BlogPublished");
        assertThat(read.reason()).isEqualTo("rejected by analytics.reject-event-types");
        assertThat(read.deadLetteredAt()).isEqualTo(Instant.parse("2026-12-02T05:40:00Z"));
        assertThat(read.replayOf()).contains(new Position("blog.events.dlq", 0, 3));
        assertThat(read.replay()).isEmpty();
        assertThat(read.eventHeaders()).extracting(Header::key).containsExactly("id", "eventType", "ce_type");
        assertThat(read.payload()).isEqualTo("{\"event_type\":\"BlogUpdated\"}");
    }

    @Test
    void aPoisonEventWithoutHeadersReadsWithWhatIsThere() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("blog.events.dlq", 0, 3, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 0, 0, null, utf8("not json"), new RecordHeaders(), Optional.empty());

        DeadLetter read = DeadLetter.read(record);

        assertThat(read.eventId()).isNull();
        assertThat(read.eventType()).isNull();
        assertThat(read.deadLetteredAt()).as("the record's timestamp when the header is missing")
                .isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.replayOf()).isEmpty();
    }

    @Test
    void theEventIdAndTypeComeFromThePayloadWithoutTheRelaysHeaders() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("blog.events.dlq", 0, 3, utf8("7"),
                utf8("{\"event_id\":\"0a1b2c3d-0000-4000-8000-000000000009\",\"event_type\":\"BlogDeleted\"}"));

        DeadLetter read = DeadLetter.read(record);

        assertThat(read.eventId()).isEqualTo("0a1b2c3d-0000-4000-8000-000000000009");
        assertThat(read.eventType()).isEqualTo("BlogDeleted");
    }

    @Test
    void positionsReadBackWhatTheyWriteEvenWithDashesInTheTopic() {
        Position position = new Position("blog.events-proc_x.dlq", 3, 1234);
        assertThat(Position.parse(position.toString())).isEqualTo(position);
        assertThat(Position.parse("no position")).isNull();
        assertThat(Position.parse("topic-x@1")).isNull();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
