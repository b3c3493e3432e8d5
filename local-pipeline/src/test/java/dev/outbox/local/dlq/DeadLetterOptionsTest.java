package dev.outbox.local.dlq;

import dev.outbox.consumer.deadletter.DeadLetter;
import dev.outbox.consumer.deadletter.DeadLetterTopic;
import dev.outbox.consumer.deadletter.Position;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ./run-local dlq}'s command line and what it prints. */
class DeadLetterOptionsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
    private static final String ID = "0a1b2c3d-0000-4000-8000-000000000001";
    private static final String OTHER_ID = "0a1b2c3d-0000-4000-8000-000000000002";

    @Test
    void listsEveryGroupsDeadLettersOnTheLocalBrokerByDefault() {
        DeadLetterOptions options = DeadLetterOptions.parse(new String[] {"list"}, NOW);

        assertThat(options.action()).isEqualTo(DeadLetterOptions.Action.LIST);
        assertThat(options.selection().group()).isEmpty();
        assertThat(options.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(options.topic()).isEqualTo("blog.events.dlq");
    }

    @Test
    void aReplayTakesAGroupEventIdsGivenSeveralWaysAndASince() {
        DeadLetterOptions options = DeadLetterOptions.parse(new String[] {"replay", "--group=analytics",
                "--event-id=" + ID, "--event-id=" + OTHER_ID + ",", "--since=30m", "--kafka-port=29092"}, NOW);

        assertThat(options.action()).isEqualTo(DeadLetterOptions.Action.REPLAY);
        assertThat(options.selection().group()).contains("analytics");
        assertThat(options.selection().eventIds()).containsExactlyInAnyOrder(UUID.fromString(ID),
                UUID.fromString(OTHER_ID));
        assertThat(options.selection().since()).contains(Instant.parse("2026-12-02T05:30:00Z"));
        assertThat(options.bootstrapServers()).isEqualTo("127.0.0.1:29092");
    }

    @Test
    void aReplayWithoutAGroupIsRefused() {
        assertThatThrownBy(() -> DeadLetterOptions.parse(new String[] {"replay", "--since=1h"}, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give --group")
                .hasMessageContaining("Usage:");
    }

    @Test
    void refusesWhatItCannotReadSayingWhy() {
        assertThatThrownBy(() -> DeadLetterOptions.parse(new String[] {"list", "--since=yesterday"}, NOW))
                .hasMessageContaining("since 'yesterday' is neither an instant");
        assertThatThrownBy(() -> DeadLetterOptions.parse(new String[] {"list", "--group", "analytics"}, NOW))
                .hasMessageContaining("e.g. --group=analytics");
        assertThatThrownBy(() -> DeadLetterOptions.parse(new String[] {"list", "--groups=analytics"}, NOW))
                .hasMessageContaining("Unknown options [groups]");
        assertThatThrownBy(() -> DeadLetterOptions.parse(new String[] {"show"}, NOW)).hasMessageStartingWith("Usage:");
        assertThatThrownBy(() -> DeadLetterOptions.parse(new String[] {"replay", "--group=analytics",
                "--event-id=42"}, NOW)).hasMessageContaining("event id '42' is not a UUID");
    }

    @Test
    void printsOneLinePerDeadLetterWithWhereWhyAndWhetherReplayed() {
        DeadLetter waiting = deadLetter(4, Optional.empty());
        DeadLetter replayed = deadLetter(5, Optional.of(new DeadLetter.Replay(NOW,
                new Position("blog.events", 2, 99))));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DeadLetterCommand.print(List.of(waiting, replayed), new PrintStream(printed, true, StandardCharsets.UTF_8));

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("DEAD LETTER").contains("REASON");
        assertThat(lines.get(1)).contains("blog.events.dlq-0@4", "analytics", "2026-12-02T05:40:00Z", "BlogDeleted", ID,
                "blog.events-2@17", "rejected by analytics.reject-event-types").doesNotContain("blog.events-2@99");
        assertThat(lines.get(2)).contains("blog.events.dlq-0@5", "blog.events-2@99");
        assertThat(lines.get(3)).isEqualTo("2 dead letters, 1 not replayed");
    }

    @Test
    void countsOneDeadLetterInTheSingular() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DeadLetterCommand.print(List.of(deadLetter(4, Optional.empty())),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).last()
                .isEqualTo("1 dead letter, 1 not replayed");
    }

    @Test
    void aReplayPrintsWhatItPublishedAndWhatItLeftAlone() {
        DeadLetter.Replay earlier = new DeadLetter.Replay(NOW.minusSeconds(60), new Position("blog.events", 2, 98));
        DeadLetter.Replay now = new DeadLetter.Replay(NOW, new Position("blog.events", 2, 99));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DeadLetterCommand.printReplay(new DeadLetterTopic.Replayed(List.of(deadLetter(5, Optional.of(now))),
                List.of(deadLetter(4, Optional.of(earlier)))), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "replayed blog.events.dlq-0@5 (BlogDeleted " + ID + ") to blog.events-2@99",
                "left    blog.events.dlq-0@4: replayed before, at 2026-12-02T05:59:00Z to blog.events-2@98",
                "1 replayed, 1 replayed before and left alone");
    }

    private static DeadLetter deadLetter(long offset, Optional<DeadLetter.Replay> replay) {
        return new DeadLetter(new Position("blog.events.dlq", 0, offset), "analytics",
                new Position("blog.events", 2, 17), ID, "BlogDeleted", "rejected by analytics.reject-event-types",
                Instant.parse("2026-12-02T05:40:00.123Z"), Optional.empty(), replay, null, null, List.of());
    }
}
