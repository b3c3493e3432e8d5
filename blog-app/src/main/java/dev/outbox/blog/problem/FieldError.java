package dev.outbox.blog.problem;

/** One of a problem's {@code errors}: a field of the request at fault (blogs[3].title, tags[1]), and why. */
public record FieldError(String field, String reason) {
}
