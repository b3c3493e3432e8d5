package dev.outbox.blog.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.outbox.service.problem.Problem;
import jakarta.transaction.RollbackException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns every failure into an RFC 9457 problem; nothing leaves this API as HTML or a bare status. A thrown
 * {@code ProblemException} is service-support's to map.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** How long a client should wait before retrying when the database is unreachable. */
    private static final String RETRY_AFTER_SECONDS = "2";
    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** admin_shutdown, crash_shutdown, cannot_connect_now: Postgres is stopping, restarting or starting up. */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");
    private static final String UNIQUE_VIOLATION = "23505";

    /** Listed explicitly so it wins over Quarkus' built-in mapper for mismatched input, which is not a problem. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return respond(malformedJsonProblem(e), Map.of(), uri);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(malformedJsonProblem(json), Map.of(), uri);
        }
        return respond(Problem.ofStatus(status, e.getMessage()), Map.of(), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (isDatabaseUnreachable(e) && wasCommitting(e)) {
            LOG.warnf("Database connection lost while committing %s: outcome unknown", uri.getPath());
            return respond(ProblemType.OUTCOME_UNKNOWN.problem(503,
                            "The connection to the database was lost while committing: the write may have been "
                                    + "applied. Retry after the delay given: a publish with the same Idempotency-Key, "
                                    + "an update with If-Match or a delete never applies twice (412 or 404 then "
                                    + "mean the first attempt was applied)."),
                    Map.of(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS), uri);
        }
        if (isDatabaseUnreachable(e)) {
            LOG.warnf("Database unreachable while serving %s: %s", uri.getPath(), e.getMessage());
            return respond(ProblemType.UNAVAILABLE.problem(503,
                            "The database is unreachable; nothing was written. Retry after the delay given (a publish "
                                    + "retried with the same Idempotency-Key never publishes twice)."),
                    Map.of(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS), uri);
        }
        if (sqlState(e).equals(UNIQUE_VIOLATION)) {
            // Two requests raced past the application's own existence check; the index decided.
            return respond(ProblemType.CONFLICT.problem(409,
                    "A concurrent request created the same thing first; nothing was written."), Map.of(), uri);
        }
        LOG.errorf(e, "Unexpected failure serving %s", uri.getPath());
        return respond(ProblemType.INTERNAL.problem(500,
                "The request failed and nothing was written; the server log has the details."), Map.of(), uri);
    }

    private static Problem malformedJsonProblem(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch) {
            // Named as validation names fields: blogs[3].title, tags[1].
            String field = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining()).replaceFirst("^\\.", "");
            if (!field.isEmpty()) {
                return ProblemType.VALIDATION.problem(422, "A field has the wrong type")
                        .withErrors(List.of(new FieldError(field, "has the wrong type")));
            }
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return ProblemType.MALFORMED_JSON.problem(400, "The body could not be parsed as JSON" + where);
    }

    /**
     * Connection failures (SQL state class 08), a server shutting down or starting up, and pool acquisition timeouts
     * mean "try again", not "bug".
     */
    static boolean isDatabaseUnreachable(Throwable e) {
        if (causes(e).anyMatch(SQLTransientConnectionException.class::isInstance)) {
            return true;
        }
        String state = sqlState(e);
        return state.startsWith(CONNECTION_EXCEPTION_CLASS) || SERVER_GOING_AWAY.contains(state);
    }

    /**
     * The transaction manager reports a failed COMMIT as a RollbackException; when the connection was lost during it,
     * Postgres may have committed before the connection went: only reading back can tell.
     */
    static boolean wasCommitting(Throwable e) {
        return causes(e).anyMatch(RollbackException.class::isInstance);
    }

    /** The SQL state of the first SQLException among the causes, or "" when there is none. */
    private static String sqlState(Throwable e) {
        return causes(e).filter(SQLException.class::isInstance).map(t -> ((SQLException) t).getSQLState())
                .filter(Objects::nonNull).findFirst().orElse("");
    }

    /**
     * The exception, its causes and their suppressed exceptions; causes first. A failed commit reports the driver's
     * exception only as suppressed by the transaction manager's RollbackException.
     */
    private static Stream<Throwable> causes(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        Deque<Throwable> pending = new ArrayDeque<>(List.of(e));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!pending.isEmpty()) {
            Throwable t = pending.pop();
            if (seen.add(t)) {
                all.add(t);
                List.of(t.getSuppressed()).forEach(pending::push);
                if (t.getCause() != null) {
                    pending.push(t.getCause());
                }
            }
        }
        return all.stream();
    }

    private static Response respond(Problem problem, Map<String, String> headers, UriInfo uri) {
        return problem.toResponse(uri.getPath(), headers);
    }
}
