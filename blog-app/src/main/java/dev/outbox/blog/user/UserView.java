package dev.outbox.blog.user;

import java.time.Instant;

/** A user as the API shows it; {@code totalBlogs} may lag a publish by the pipeline's freshness. */
public record UserView(long id, String handle, String displayName, long totalBlogs, Instant createdAt) {

    static UserView of(User user) {
        return new UserView(user.id, user.handle, user.displayName, user.totalBlogs, user.createdAt);
    }
}
