package dev.outbox.search.query;

import dev.outbox.search.index.IndexUnavailableException;
import dev.outbox.search.problem.ProblemTypes;
import dev.outbox.service.problem.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * The index is out of reach (an OpenSearch cluster down, or not reached yet since this member started): 503
 * {@code /problems/index-unavailable} with a {@code Retry-After}, for queries and for {@code /index} alike.
 */
public class IndexUnavailableMapper {

    private static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response unavailable(IndexUnavailableException e, UriInfo uri) {
        return Problem.of(ProblemTypes.INDEX_UNAVAILABLE, "The search index is unavailable", 503, e.getMessage())
                .toResponse(uri.getPath(), Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
}
