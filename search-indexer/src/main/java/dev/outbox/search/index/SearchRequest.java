package dev.outbox.search.index;

/**
 * One page of a search. {@code text} is the user's query (blank: every blog, newest first); author and tag
 * narrow it down when not null. Lucene allocates a queue as long as the result window ({@code page × size})
 * before it reads a document, so a window past {@link #MAX_RESULT_WINDOW} is refused here, whoever builds the request.
 */
public record SearchRequest(String text, Long authorId, String tag, int page, int size) {

    /** The deepest result reachable by paging; deeper pages cost more than they are worth to anyone. */
    public static final int MAX_RESULT_WINDOW = 1_000;

    public SearchRequest {
        if (page < 1 || size < 1 || (long) page * size > MAX_RESULT_WINDOW) {
            throw new IllegalArgumentException("page " + page + " of size " + size + " is outside the first "
                    + MAX_RESULT_WINDOW + " results");
        }
    }

    int window() {
        return page * size;
    }
}
