package dev.outbox.blog.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.blog.problem.Problem;
import dev.outbox.blog.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * A body declared larger than {@code quarkus.http.limits.max-body-size} is refused with a 413 problem before a byte
 * of it is read. Quarkus refuses it too, one route later, but with an empty body. A chunked body has no declared
 * length: Quarkus cuts it off at the same limit with its bare 413.
 */
@ApplicationScoped
public class BodySizeLimit {

    /** Before Quarkus' own check, which runs at order -2. */
    private static final int BEFORE_QUARKUS_LIMIT = -3;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @Inject
    ObjectMapper json;

    void refuseDeclaredOversizeBodies(@Observes Router router) {
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(this::check);
    }

    private void check(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && isOver(declared)) {
            Problem problem = new Problem(ProblemType.HTTP.uri(), "Content Too Large", 413,
                    "The body is larger than " + maxBodySize.asLongValue() + " bytes.", context.request().path(),
                    List.of());
            context.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    // The unread body would otherwise be taken for the next request on this connection.
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(write(problem));
        } else {
            context.next();
        }
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
