package dev.outbox.blog.problem;

import java.util.List;
import java.util.Map;

/** Thrown anywhere in a request to answer with a problem; rolls back the surrounding transaction. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail());
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public ProblemException(ProblemType type, int status, String detail) {
        this(Problem.of(type, status, detail), Map.of());
    }

    /** Listing every error of a hostile request (250,000 bad tags) would answer megabytes; the count is enough. */
    static final int MAX_LISTED_ERRORS = 20;

    public static ProblemException invalid(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).reason()
                : errors.size() <= MAX_LISTED_ERRORS ? errors.size() + " fields are invalid"
                : errors.size() + " fields are invalid; the first " + MAX_LISTED_ERRORS + " are listed";
        return new ProblemException(Problem.of(ProblemType.VALIDATION, 422, detail)
                .withErrors(errors.subList(0, Math.min(errors.size(), MAX_LISTED_ERRORS))), Map.of());
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(ProblemType.NOT_FOUND, 404, detail);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
