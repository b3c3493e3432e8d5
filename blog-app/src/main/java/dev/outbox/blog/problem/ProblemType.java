package dev.outbox.blog.problem;

import dev.outbox.service.problem.Problem;
import dev.outbox.service.problem.ProblemException;

/** The kinds of problem this API reports; {@code uri} is stable and documented in the README. */
public enum ProblemType {
    VALIDATION("/problems/validation", "The request is not valid"),
    MALFORMED_JSON("/problems/malformed-json", "The request body is not valid JSON"),
    MALFORMED_PARAMETER("/problems/malformed-parameter", "A query parameter is not a number the API can read"),
    UNAUTHENTICATED(Problem.UNAUTHENTICATED, "A valid API token is required"),
    FORBIDDEN(Problem.FORBIDDEN, "Only the author may do this"),
    NOT_FOUND("/problems/not-found", "Not found"),
    CONFLICT("/problems/conflict", "Conflict with the current state"),
    IDEMPOTENCY_KEY_REUSED("/problems/idempotency-key-reused",
            "The Idempotency-Key was already used for a different request"),
    PRECONDITION_FAILED("/problems/precondition-failed", "The blog changed since you read it"),
    RATE_LIMITED("/problems/rate-limited", "Too many requests, retry later"),
    UNAVAILABLE("/problems/unavailable", "Temporarily unavailable, retry later"),
    OUTCOME_UNKNOWN("/problems/outcome-unknown", "The write may or may not have been applied"),
    INTERNAL(Problem.INTERNAL, "Internal error");

    private final String uri;
    private final String title;

    ProblemType(String uri, String title) {
        this.uri = uri;
        this.title = title;
    }

    public String uri() {
        return uri;
    }

    public String title() {
        return title;
    }

    public Problem problem(int status, String detail) {
        return Problem.of(uri, title, status, detail);
    }

    public ProblemException exception(int status, String detail) {
        return new ProblemException(problem(status, detail));
    }
}
