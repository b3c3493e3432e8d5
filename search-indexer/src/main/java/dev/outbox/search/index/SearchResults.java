package dev.outbox.search.index;

import java.util.List;

/**
 * A page of matching blogs, best first. {@code totalHitsExact} is false when counting stopped early (the total
 * is then a lower bound), as search engines do to keep broad queries cheap.
 */
public record SearchResults(long totalHits, boolean totalHitsExact, List<Hit> hits) {

    /** A matching blog; highlights hold the query's words wrapped in {@code <mark>} in HTML-escaped text. */
    public record Hit(long blogId, long authorId, long version, String title, List<String> tags, Float score,
                      String titleHighlight, String bodyHighlight) {
    }
}
