package dev.outbox.search.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** An RFC 9457 problem detail, the body of every error response; {@code errors} names the parameters at fault. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<ParameterError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String INVALID_QUERY = "/problems/invalid-query";
    public static final String REBUILD_REFUSED = "/problems/rebuild-refused";
    public static final String INDEX_UNAVAILABLE = "/problems/index-unavailable";
    public static final String INTERNAL = "/problems/internal";
    public static final String UNAUTHENTICATED = "/problems/unauthenticated";
    public static final String FORBIDDEN = "/problems/forbidden";

    public record ParameterError(String parameter, String reason) {
    }

    public Response toResponse(String path) {
        return toResponse(path, Map.of());
    }

    public Response toResponse(String path, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, path, errors));
        headers.forEach(response::header);
        return response.build();
    }
}
