package dev.outbox.blog.problem;

import dev.outbox.service.problem.ProblemException;

import java.util.List;

/** The problems blog-app throws most: a request whose fields are invalid, and a thing that is not there. */
public final class BlogProblems {

    /** Listing every error of a hostile request (250,000 bad tags) would answer megabytes; the count is enough. */
    static final int MAX_LISTED_ERRORS = 20;

    private BlogProblems() {
    }

    public static ProblemException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).reason()
                : errors.size() <= MAX_LISTED_ERRORS ? errors.size() + " fields are invalid"
                : errors.size() + " fields are invalid; the first " + MAX_LISTED_ERRORS + " are listed";
        return new ProblemException(ProblemType.VALIDATION.problem(422, detail)
                .withErrors(errors.subList(0, Math.min(errors.size(), MAX_LISTED_ERRORS))));
    }

    public static ProblemException notFound(String detail) {
        return ProblemType.NOT_FOUND.exception(404, detail);
    }
}
