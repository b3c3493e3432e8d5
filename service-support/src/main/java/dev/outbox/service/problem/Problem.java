package dev.outbox.service.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem detail, the body of every error response. {@code errors} holds a service's own reasons (the
 * fields or parameters at fault) and is left out when empty, as is {@code instance} until the response sets it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** RFC 9457's type for a problem that is only its HTTP status. */
    public static final String ABOUT_BLANK = "about:blank";
    public static final String UNAUTHENTICATED = "/problems/unauthenticated";
    public static final String FORBIDDEN = "/problems/forbidden";
    public static final String INTERNAL = "/problems/internal";

    public static Problem of(String type, String title, int status, String detail) {
        return new Problem(type, title, status, detail, null, List.of());
    }

    /** The problem for a status alone: its reason phrase as title. */
    public static Problem ofStatus(int status, String detail) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return of(ABOUT_BLANK, known == null ? "HTTP " + status : known.getReasonPhrase(), status, detail);
    }

    public Problem withErrors(List<?> reasons) {
        return new Problem(type, title, status, detail, instance, List.copyOf(reasons));
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }

    public Response toResponse(String path) {
        return toResponse(path, Map.of());
    }

    public Response toResponse(String path, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE).entity(withInstance(path));
        headers.forEach(response::header);
        return response.build();
    }
}
