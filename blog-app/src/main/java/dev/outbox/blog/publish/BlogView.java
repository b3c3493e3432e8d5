package dev.outbox.blog.publish;

import jakarta.ws.rs.core.EntityTag;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A blog as the API shows it. */
public record BlogView(long id, long authorId, String title, String body, List<String> tags, String status,
                       long version, Instant createdAt, Instant updatedAt) {

    static BlogView of(Blog blog) {
        return new BlogView(blog.id, blog.authorId, blog.title, blog.body, blog.tags, blog.status.name(),
                blog.version, blog.createdAt, blog.updatedAt);
    }

    /** Strong entity tag: the version identifies the content exactly. */
    EntityTag entityTag() {
        return new EntityTag(Long.toString(version));
    }

    /** {@code If-Match} semantics (RFC 9110): "*" or one of the listed strong tags. */
    boolean matches(String ifMatch) {
        String current = entityTag().toString();
        return ifMatch.strip().equals("*")
                || Arrays.stream(ifMatch.split(",")).map(String::strip).anyMatch(current::equals);
    }
}
