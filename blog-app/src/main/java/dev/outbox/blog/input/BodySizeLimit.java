package dev.outbox.blog.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.service.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Locale;

/**
 * A body larger than {@code quarkus.http.limits.max-body-size} is refused with a 413 problem: one declared larger
 * before a byte of it is read, one sent chunked (HTTP/1.1) as soon as it passes the limit. Quarkus refuses both too,
 * one route later and while the API reads the body, but with a bare 413; it still does for an HTTP/2 body of
 * undeclared length.
 */
@ApplicationScoped
public class BodySizeLimit {

    /** Before Quarkus' own check, which runs at order -2. */
    private static final int BEFORE_QUARKUS_LIMIT = -3;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @Inject
    ObjectMapper json;

    private BodyHandler undeclaredBodies;

    void refuseOversizeBodies(@Observes Router router) {
        // Reads a body of unknown length into memory up to the limit (the API would buffer it all the same) and
        // fails the request with 413 past it; the API then reads the buffered body.
        undeclaredBodies = BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue());
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(this::check).failureHandler(this::overLimit);
    }

    private void check(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            if (isOver(declared)) {
                refuse(context);
            } else {
                context.next();
            }
        } else if (isChunked(context.request())) {
            undeclaredBodies.handle(context);
        } else {
            context.next();
        }
    }

    /**
     * HTTP/1.1's body of unknown length. Not a request without Content-Length in general: over HTTP/2 every request
     * without a body is one, and one read here could not be read again by the API (a 500 for every GET).
     */
    private static boolean isChunked(HttpServerRequest request) {
        String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        return request.version() != HttpVersion.HTTP_2 && encoding != null
                && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private void overLimit(RoutingContext context) {
        if (context.statusCode() == 413 && context.failure() == null && !context.response().headWritten()) {
            refuse(context);
        } else {
            context.next();
        }
    }

    private void refuse(RoutingContext context) {
        Problem problem = Problem.of(Problem.ABOUT_BLANK, "Content Too Large", 413,
                "The body is larger than " + maxBodySize.asLongValue() + " bytes.").withInstance(context.request().path());
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                // The unread body would otherwise be taken for the next request on this connection.
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(write(problem));
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.strip()) > maxBodySize.asLongValue();
        } catch (NumberFormatException e) {
            return true; // longer than a long: larger than any limit
        }
    }

    private String write(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A problem is always serialisable", e);
        }
    }
}
