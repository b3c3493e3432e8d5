package dev.outbox.blog.publish;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.outbox.blog.outbox.EventIds;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A blog was updated: it carries the full text so consumers never call back. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BlogUpdated(UUID eventId, Instant occurredAt, long blogId, long authorId, String title, String body,
                          List<String> tags, long version) implements BlogEvent {

    public static BlogUpdated of(Blog blog, Instant occurredAt) {
        return new BlogUpdated(EventIds.next(), occurredAt, blog.id, blog.authorId, blog.title, blog.body,
                List.copyOf(blog.tags), blog.version);
    }
}
