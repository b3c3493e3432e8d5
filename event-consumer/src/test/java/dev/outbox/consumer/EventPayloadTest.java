package dev.outbox.consumer;

import dev.outbox.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tolerant reader every group uses: what it reads, and what makes an event poison instead of a crash. */
class EventPayloadTest {

    private static final String ID = "01a20bc3-5f0e-4c3a-9d4e-2b7c8e9f1a2b";

    @Test
    void readsTheFieldsAConsumerAsksForAndIgnoresTheRest() {
        EventPayload payload = parse("""
                {"event_id":"%s","blog_id":7,"author_id":"1","title":"Delegate","tags":["kafka","outbox"],
                 "added_later":{"by":"a newer producer"}}""".formatted(ID));

        assertThat(payload.positive("blog_id")).isEqualTo(7);
        assertThat(payload.text("title")).isEqualTo("Delegate");
        assertThat(payload.texts("tags")).containsExactly("kafka", "outbox");
        assertThat(payload.eventId(null)).isEqualTo(UUID.fromString(ID));
    }

    @Test
    void takesTheEventIdFromTheRelaysHeaderBeforeThePayload() {
        String header = UUID.randomUUID().toString();

        assertThat(parse("{\"event_id\":\"" + ID + "\"}").eventId(header)).isEqualTo(UUID.fromString(header));
        assertThat(parse("{}").eventId(header)).isEqualTo(UUID.fromString(header));
    }

    @Test
    void anEventIdThatIsNotAUuidIsPoison() {
        assertPoison(() -> parse("{\"event_id\":\"42\"}").eventId(null), "event id '42' is not a UUID");
        assertPoison(() -> parse("{}").eventId("not-a-uuid"), "is not a UUID");
        assertPoison(() -> parse("{}").eventId(null), "missing text field 'event_id'");
    }

    @Test
    void anAbsentOrNullListReadsAsEmpty() {
        assertThat(parse("{}").texts("tags")).isEmpty();
        assertThat(parse("{\"tags\":null}").texts("tags")).isEmpty();
        assertThat(parse("{\"tags\":[]}").texts("tags")).isEmpty();
    }

    @Test
    void aListOfTheWrongShapeIsPoison() {
        assertPoison(() -> parse("{\"tags\":\"kafka\"}").texts("tags"), "field 'tags' is not a list");
        assertPoison(() -> parse("{\"tags\":[\"kafka\",1]}").texts("tags"), "holds a value that is not text");
    }

    @Test
    void aMissingOrNonTextFieldIsPoison() {
        assertPoison(() -> parse("{}").text("title"), "missing text field 'title'");
        assertPoison(() -> parse("{\"title\":7}").text("title"), "missing text field 'title'");
        assertPoison(() -> parse("{\"title\":null}").text("title"), "missing text field 'title'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "\"7\"", "null", "true", "1.5", "0.5", "99999999999999999999", "[7]"})
    void aPositiveFieldMustBeAWholeNumberFromOne(String value) {
        assertPoison(() -> parse("{\"blog_id\":" + value + "}").positive("blog_id"),
                "missing or invalid field 'blog_id'");
    }

    @Test
    void aMissingPositiveFieldIsPoison() {
        assertPoison(() -> parse("{}").positive("blog_id"), "missing or invalid field 'blog_id'");
        assertThat(parse("{\"blog_id\":9223372036854775807}").positive("blog_id")).isEqualTo(Long.MAX_VALUE);
        // JSON Schema's integer includes a number with a zero fraction: the contract allows it, so the reader does.
        assertThat(parse("{\"blog_id\":7.0}").positive("blog_id")).isEqualTo(7);
        assertThat(parse("{\"blog_id\":1e3}").positive("blog_id")).isEqualTo(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"title\":", "[1,2]", "\"text\"", "7", "null", "{} {}"})
    void aPayloadThatIsNotOneJsonObjectIsPoison(String payload) {
        assertThatThrownBy(() -> parse(payload)).isInstanceOf(PoisonEventException.class)
                .hasMessageStartingWith("payload");
    }

    @Test
    void anAbsentPayloadIsPoison() {
        assertPoison(() -> EventPayload.parse(null), "empty payload");
    }

    @Test
    void aHeaderIsReadAsUtf8AndTheLastOneWins() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("blog.events", 0, 0, "1", new byte[0]);
        record.headers().add(EventHeaders.ID, "first".getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.ID, "zweitä".getBytes(StandardCharsets.UTF_8));

        assertThat(Records.header(record, EventHeaders.ID)).isEqualTo("zweitä");
        assertThat(Records.header(record, "absent")).isNull();
        record.headers().add("empty", null);
        assertPoison(() -> Records.header(record, "empty"), "header 'empty' has no value");
    }

    @Test
    void theCommitTimeIsReadWhenPresentAndItsAbsenceOrGarbageSkipsFreshnessInsteadOfPoisoningTheEvent() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("blog.events", 0, 0, "1", new byte[0]);
        assertThat(Records.committedAtMillis(record)).as("a record relayed before the header existed").isEmpty();
        record.headers().add(EventHeaders.COMMITTED_AT, "1764650000123".getBytes(StandardCharsets.UTF_8));
        assertThat(Records.committedAtMillis(record)).hasValue(1_764_650_000_123L);
        record.headers().add(EventHeaders.COMMITTED_AT, "yesterday".getBytes(StandardCharsets.UTF_8));
        assertThat(Records.committedAtMillis(record)).isEmpty();
        record.headers().add(EventHeaders.COMMITTED_AT, null);
        assertThat(Records.committedAtMillis(record)).isEmpty();
    }

    private static EventPayload parse(String json) {
        return EventPayload.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertPoison(org.assertj.core.api.ThrowableAssert.ThrowingCallable read, String reason) {
        assertThatThrownBy(read).isInstanceOf(PoisonEventException.class).hasMessageContaining(reason);
    }
}
