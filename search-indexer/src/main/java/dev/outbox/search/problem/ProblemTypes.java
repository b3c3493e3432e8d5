package dev.outbox.search.problem;

/** The problem types only search answers with; the common ones are service-support's {@code Problem}'s. */
public final class ProblemTypes {

    public static final String INVALID_QUERY = "/problems/invalid-query";
    public static final String REBUILD_REFUSED = "/problems/rebuild-refused";
    public static final String INDEX_UNAVAILABLE = "/problems/index-unavailable";

    private ProblemTypes() {
    }
}
