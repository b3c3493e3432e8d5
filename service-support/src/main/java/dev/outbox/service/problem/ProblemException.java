package dev.outbox.service.problem;

import java.util.Map;

/**
 * Thrown anywhere in a request to answer with a problem, and any headers it needs (WWW-Authenticate, Retry-After);
 * rolls back the surrounding transaction.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail());
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
