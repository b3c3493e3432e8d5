package dev.outbox.consumer.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadLetterSelectionTest {

    private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
    private static final String FIRST = "0a1b2c3d-0000-4000-8000-000000000001";
    private static final String SECOND = "0a1b2c3d-0000-4000-8000-000000000002";

    private final DeadLetter analyticsEarly = deadLetter(0, "analytics", FIRST, "2026-12-02T04:00:00Z");
    /** Written in capitals by a producer other than the relay: still the same id. */
    private final DeadLetter analyticsLate = deadLetter(1, "analytics", SECOND.toUpperCase(), "2026-12-02T05:45:00Z");
    private final DeadLetter search = deadLetter(2, "search", FIRST, "2026-12-02T05:50:00Z");
    private final List<DeadLetter> all = List.of(analyticsEarly, analyticsLate, search);

    @Test
    void withoutFiltersSelectsEveryGroupsDeadLetters() {
        assertThat(select(DeadLetterSelection.parse(null, List.of(), "", NOW))).containsExactlyElementsOf(all);
    }

    @Test
    void aGroupSelectsOnlyItsOwn() {
        assertThat(select(DeadLetterSelection.parse("analytics", List.of(), null, NOW)))
                .containsExactly(analyticsEarly, analyticsLate);
    }

    @Test
    void eventIdsSelectThoseEventsInAnyCaseAndAsAList() {
        assertThat(select(DeadLetterSelection.parse("analytics", List.of(SECOND), null, NOW)))
                .containsExactly(analyticsLate);
        assertThat(select(DeadLetterSelection.parse(null, List.of(FIRST + ", " + SECOND), null, NOW)))
                .containsExactlyElementsOf(all);
        assertThat(select(DeadLetterSelection.parse(null, List.of(FIRST), null, NOW)))
                .containsExactly(analyticsEarly, search);
    }

    @Test
    void sinceAnInstantIncludesThatInstant() {
        assertThat(select(DeadLetterSelection.parse("analytics", List.of(), "2026-12-02T05:45:00Z", NOW)))
                .containsExactly(analyticsLate);
    }

    @Test
    void sinceAnAgeCountsBackFromNow() {
        assertThat(select(DeadLetterSelection.parse(null, List.of(), "30m", NOW))).containsExactly(analyticsLate, search);
        assertThat(select(DeadLetterSelection.parse(null, List.of(), "2h", NOW))).containsExactlyElementsOf(all);
        assertThat(select(DeadLetterSelection.parse(null, List.of(), "300s", NOW))).isEmpty();
        assertThat(DeadLetterSelection.parse(null, List.of(), "1d", NOW).since()).contains(NOW.minusSeconds(86_400));
    }

    @Test
    void eventIdAndSinceMustBothHold() {
        assertThat(select(DeadLetterSelection.parse(null, List.of(FIRST), "1h", NOW))).containsExactly(search);
    }

    @Test
    void aSinceThatIsNeitherAnInstantNorAnAgeIsRefusedSayingWhatIsExpected() {
        for (String bad : List.of("yesterday", "30 minutes", "-5m", "2026-12-02", "5w")) {
            assertThatThrownBy(() -> DeadLetterSelection.parse(null, List.of(), bad, NOW)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("2026-12-02T05:00:00Z");
        }
    }

    @Test
    void anEventIdThatIsNotAUuidIsRefused() {
        assertThatThrownBy(() -> DeadLetterSelection.parse(null, List.of("42"), null, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("event id '42' is not a UUID");
    }

    private List<DeadLetter> select(DeadLetterSelection selection) {
        return all.stream().filter(selection::matches).toList();
    }

    private static DeadLetter deadLetter(long offset, String group, String eventId, String at) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("blog.events.dlq", 0, offset, utf8("7"), utf8("{}"));
        record.headers().add("id", utf8(eventId));
        record.headers().add("dlq.consumer.group", utf8(group));
        record.headers().add("dlq.dead-lettered-at", utf8(at));
        return DeadLetter.read(record);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
