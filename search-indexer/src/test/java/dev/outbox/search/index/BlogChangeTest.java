package dev.outbox.search.index;

import dev.outbox.consumer.PoisonEventException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the event contract: the indexer reads every example event-contract ships. */
class BlogChangeTest {

    @Test
    void readsThePublishedExample() throws IOException {
        BlogChange change = BlogChange.read(null, example("BlogPublished"));

        assertThat(change).isEqualTo(new BlogChange(UUID.fromString("01936d6e-7c2a-7e1b-9d4f-3a2b1c0d9e8f"),
                BlogChange.Kind.PUBLISHED, 1, 1, 1, "Delegate and respond", "What need not be real time is not.",
                List.of("kafka")));
    }

    @Test
    void readsTheUpdatedExampleWithItsNewVersionAndText() throws IOException {
        BlogChange change = BlogChange.read(null, example("BlogUpdated"));

        assertThat(change.kind()).isEqualTo(BlogChange.Kind.UPDATED);
        assertThat(change.version()).isEqualTo(2);
        assertThat(change.tags()).containsExactly("kafka", "outbox");
    }

    @Test
    void readsTheDeletedExampleWithoutText() throws IOException {
        BlogChange change = BlogChange.read(null, example("BlogDeleted"));

        assertThat(change.isDeletion()).isTrue();
        assertThat(change.version()).isEqualTo(3);
        assertThat(change.title()).isNull();
    }

    @Test
    void refusesEventsItCannotIndex() {
        assertThatThrownBy(() -> BlogChange.read(null, """
                {"event_id": "%s", "event_type": "BlogPublished", "blog_id": 1, "author_id": 1, "version": 1,
                 "body": "no title"}""".formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("'title'");
        assertThatThrownBy(() -> BlogChange.read(null, """
                {"event_id": "%s", "event_type": "BlogDeleted", "blog_id": 1, "author_id": 1}"""
                .formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("'version'");
        assertThatThrownBy(() -> BlogChange.read(null, """
                {"event_id": "%s", "event_type": "BlogPublished", "blog_id": 1, "author_id": 1, "version": 1,
                 "title": "t", "body": "b", "tags": [1]}""".formatted(UUID.randomUUID())
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("'tags'");
    }

    @Test
    void refusesATagLongerThanTheIndexCanHoldAsOneTerm() {
        String immense = "t".repeat(40_000);

        assertThatThrownBy(() -> BlogChange.read(null, """
                {"event_id": "%s", "event_type": "BlogPublished", "blog_id": 1, "author_id": 1, "version": 1,
                 "title": "t", "body": "b", "tags": ["kafka", "%s"]}""".formatted(UUID.randomUUID(), immense)
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("40000 bytes");
    }

    private static byte[] example(String type) throws IOException {
        try (InputStream example = BlogChangeTest.class.getResourceAsStream("/contract/examples/" + type + ".json")) {
            assertThat(example).as("example of %s on the classpath", type).isNotNull();
            return example.readAllBytes();
        }
    }
}
