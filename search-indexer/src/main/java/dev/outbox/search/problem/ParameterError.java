package dev.outbox.search.problem;

/** One of a problem's {@code errors}: a query parameter at fault, and why. */
public record ParameterError(String parameter, String reason) {
}
