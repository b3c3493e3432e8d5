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

    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(Problem.of(ProblemType.VALIDATION, 422,
                errors.size() == 1 ? errors.get(0).reason() : errors.size() + " fields are invalid")
                .withErrors(errors), Map.of());
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
