package dev.outbox.blog.user;

import java.time.Instant;

/** The answer to {@code POST /users}: the only time the API token is ever shown. */
public record RegisteredUser(long id, String handle, String displayName, long totalBlogs, Instant createdAt,
                             String apiToken) {
}
