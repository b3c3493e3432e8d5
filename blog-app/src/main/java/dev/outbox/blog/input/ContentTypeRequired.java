package dev.outbox.blog.input;

import dev.outbox.service.problem.Problem;
import dev.outbox.service.problem.ProblemException;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/**
 * A write without {@code Content-Type} is 415: Quarkus REST would otherwise read any bytes as the JSON the method
 * consumes, so a form post or a stray upload would be parsed as if the client had meant JSON.
 */
public class ContentTypeRequired {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH");

    @ServerRequestFilter
    public void requireContentType(ContainerRequestContext request) {
        if (WRITES.contains(request.getMethod()) && request.getMediaType() == null) {
            throw new ProblemException(Problem.of(Problem.ABOUT_BLANK, "Unsupported Media Type", 415,
                    "Send the body as JSON with 'Content-Type: application/json'."));
        }
    }
}
