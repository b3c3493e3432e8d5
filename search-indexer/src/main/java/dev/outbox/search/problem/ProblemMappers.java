package dev.outbox.search.problem;

import dev.outbox.service.problem.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into an RFC 9457 problem; nothing leaves this API as HTML or a bare status. A leaf: features map
 * their own exceptions (query/'s {@code InvalidQueryMapper}) or throw service-support's {@code ProblemException},
 * which service-support maps.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        return Problem.ofStatus(e.getResponse().getStatus(), e.getMessage()).toResponse(uri.getPath());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "Unexpected failure serving %s", uri.getPath());
        return Problem.of(Problem.INTERNAL, "Internal error", 500, "The request failed; the server log has the details.")
                .toResponse(uri.getPath());
    }
}
