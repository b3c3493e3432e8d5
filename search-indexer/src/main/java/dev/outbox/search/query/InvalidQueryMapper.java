package dev.outbox.search.query;

import dev.outbox.search.index.InvalidQueryException;
import dev.outbox.search.problem.ParameterError;
import dev.outbox.search.problem.ProblemTypes;
import dev.outbox.service.problem.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** A query the index cannot parse or that breaks a limit: 400 {@code /problems/invalid-query} naming {@code q}. */
public class InvalidQueryMapper {

    @ServerExceptionMapper
    public Response invalidQuery(InvalidQueryException e, UriInfo uri) {
        return Problem.of(ProblemTypes.INVALID_QUERY, "The search request is not valid", 400, e.getMessage())
                .withErrors(List.of(new ParameterError("q", e.getMessage()))).toResponse(uri.getPath());
    }
}
