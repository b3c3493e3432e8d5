package dev.outbox.blog.publish;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.outbox.blog.outbox.EventIds;

import java.time.Instant;
import java.util.UUID;

/** A blog was deleted; {@code version} is the version the deletion created. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BlogDeleted(UUID eventId, Instant occurredAt, long blogId, long authorId, long version)
        implements BlogEvent {

    public static BlogDeleted of(Blog blog, Instant occurredAt) {
        return new BlogDeleted(EventIds.next(), occurredAt, blog.id, blog.authorId, blog.version);
    }
}
