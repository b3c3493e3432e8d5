package dev.outbox.search.rebuild;

import dev.outbox.search.index.LiveIndex;
import dev.outbox.search.problem.ProblemTypes;
import dev.outbox.service.operator.OperatorToken;
import dev.outbox.service.problem.Problem;
import dev.outbox.service.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator endpoints: {@code GET /index} (which generation is live, what it holds, how far it read) and
 * {@code POST /index/rebuild[?allow_partial=true]} (replay the topic into a fresh index, then swap; queries go on
 * throughout). Changing the index needs the operator token; reading its state does not, as it shows what
 * {@code /q/metrics} shows, and no server path.
 */
@Path("/index")
@Produces(MediaType.APPLICATION_JSON)
public class IndexResource {

    @Inject
    LiveIndex live;

    @Inject
    IndexRebuild rebuild;

    @Inject
    OperatorToken operator;

    /**
     * The live index: its generation, live blogs, and the next offset it will apply per partition (null for an index
     * that keeps no offsets: then the group's committed offsets, as {@code kafka-consumer-groups} shows them).
     */
    public record IndexState(String generation, long documents, Map<String, Long> positions, RebuildStatus rebuild) {
    }

    @GET
    public IndexState state() throws IOException {
        Map<String, Long> positions = live.positions().map(recorded -> {
            Map<String, Long> byName = new TreeMap<>();
            recorded.forEach((partition, offset) -> byName.put(partition.toString(), offset));
            return byName;
        }).orElse(null);
        return new IndexState(live.name(), live.documents(), positions, rebuild.status());
    }

    @GET
    @Path("/rebuild")
    public RebuildStatus rebuildStatus() {
        return rebuild.status();
    }

    @POST
    @Path("/rebuild")
    public Response startRebuild(@QueryParam("allow_partial") boolean allowPartial,
                                 @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context UriInfo uri) {
        operator.require(authorization);
        try {
            rebuild.start(allowPartial);
        } catch (IndexRebuild.RefusedException e) {
            throw new ProblemException(Problem.of(ProblemTypes.REBUILD_REFUSED, "The rebuild was not started", 409,
                    e.getMessage()));
        }
        return Response.accepted(rebuild.status())
                .location(uri.getBaseUriBuilder().path("index/rebuild").build())
                .build();
    }
}
