package dev.outbox.relay.deadletter;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** An RFC 9457 problem detail: the body of every error {@code /dead-letters} answers with. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String INVALID_REQUEST = "/problems/invalid-request";
    static final String UNKNOWN_GROUP = "/problems/unknown-group";
    static final String NO_DEAD_LETTER_MATCHED = "/problems/no-dead-letter-matched";
    static final String ALREADY_REPLAYED = "/problems/already-replayed";
    static final String UNAUTHENTICATED = "/problems/unauthenticated";
    static final String FORBIDDEN = "/problems/forbidden";
    static final String KAFKA_UNAVAILABLE = "/problems/kafka-unavailable";

    Response toResponse(String path, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, path));
        headers.forEach(response::header);
        return response.build();
    }
}
