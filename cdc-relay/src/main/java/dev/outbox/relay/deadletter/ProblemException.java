package dev.outbox.relay.deadletter;

import java.util.Map;

/** Thrown while serving {@code /dead-letters} to answer with a problem, and any headers it needs (WWW-Authenticate). */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    ProblemException(String type, String title, int status, String detail) {
        this(type, title, status, detail, Map.of());
    }

    ProblemException(String type, String title, int status, String detail, Map<String, String> headers) {
        super(detail);
        this.problem = new Problem(type, title, status, detail, null);
        this.headers = Map.copyOf(headers);
    }

    Problem problem() {
        return problem;
    }

    Map<String, String> headers() {
        return headers;
    }
}
