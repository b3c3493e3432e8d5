package dev.outbox.analytics.count;

import dev.outbox.consumer.PoisonEventException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the event contract: the reader understands every example event-contract ships. */
class BlogEventReaderTest {

    @Test
    void readsThePublishedExample() throws IOException {
        BlogEvent event = BlogEventReader.read(null, example("BlogPublished"));

        assertThat(event).isEqualTo(new BlogEvent(UUID.fromString("01936d6e-7c2a-7e1b-9d4f-3a2b1c0d9e8f"),
                BlogEvent.Kind.PUBLISHED, 1, 1));
    }

    @Test
    void readsTheUpdatedAndDeletedExamples() throws IOException {
        assertThat(BlogEventReader.read(null, example("BlogUpdated")).kind()).isEqualTo(BlogEvent.Kind.UPDATED);
        assertThat(BlogEventReader.read(null, example("BlogDeleted")).kind()).isEqualTo(BlogEvent.Kind.DELETED);
    }

    @Test
    void prefersTheIdHeaderTheRelaySets() throws IOException {
        UUID header = UUID.randomUUID();

        assertThat(BlogEventReader.read(header.toString(), example("BlogPublished")).eventId()).isEqualTo(header);
    }

    @Test
    void ignoresFieldsItDoesNotNeed() {
        byte[] payload = """
                {"event_id": "01936d6e-7c2a-7e1b-9d4f-3a2b1c0d9e8f", "event_type": "BlogPublished",
                 "blog_id": 5, "author_id": 6, "a_field_added_later": {"nested": true}}""".getBytes(StandardCharsets.UTF_8);

        assertThat(BlogEventReader.read(null, payload).blogId()).isEqualTo(5);
    }

    @Test
    void refusesUnknownTypesMissingFieldsAndNonJson() {
        assertThatThrownBy(() -> BlogEventReader.read(null, json("{\"event_id\": \"%s\", \"event_type\": \"BlogLiked\", \"blog_id\": 1, \"author_id\": 1}")))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("unknown event type 'BlogLiked'");
        assertThatThrownBy(() -> BlogEventReader.read(null, json("{\"event_id\": \"%s\", \"event_type\": \"BlogPublished\", \"author_id\": 1}")))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("blog_id");
        assertThatThrownBy(() -> BlogEventReader.read(null, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> BlogEventReader.read("not-a-uuid", example("BlogPublished")))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("not a UUID");
    }

    private static byte[] json(String template) {
        return template.formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] example(String eventType) throws IOException {
        try (InputStream stream = BlogEventReaderTest.class.getClassLoader()
                .getResourceAsStream("contract/examples/" + eventType + ".json")) {
            assertThat(stream).isNotNull();
            return stream.readAllBytes();
        }
    }
}
