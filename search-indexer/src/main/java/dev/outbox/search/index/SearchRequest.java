package dev.outbox.search.index;

/**
 * One page of a search. {@code text} is the user's query (blank: every blog, newest first); author and tag
 * narrow it down when not null.
 */
public record SearchRequest(String text, Long authorId, String tag, int page, int size) {
}
