package dev.outbox.service.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Answers a {@link ProblemException} with its problem, the request's path as instance, and its headers. */
public class ProblemExceptionMapper {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return e.problem().toResponse(uri.getPath(), e.headers());
    }
}
