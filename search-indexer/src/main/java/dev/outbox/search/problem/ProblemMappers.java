package dev.outbox.search.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/**
 * Turns every failure into an RFC 9457 problem; nothing leaves this API as HTML or a bare status. A leaf: features map
 * their own exceptions (query/'s {@code InvalidQueryMapper}) and throw {@link ProblemException}.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return e.problem().toResponse(uri.getPath(), e.headers());
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return new Problem("about:blank", known == null ? "HTTP " + status : known.getReasonPhrase(), status,
                e.getMessage(), null, List.of()).toResponse(uri.getPath());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "Unexpected failure serving %s", uri.getPath());
        return new Problem(Problem.INTERNAL, "Internal error", 500,
                "The request failed; the server log has the details.", null, List.of()).toResponse(uri.getPath());
    }
}
