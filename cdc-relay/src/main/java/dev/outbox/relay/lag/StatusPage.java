package dev.outbox.relay.lag;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** {@code /status} leads to the status page, which Quarkus serves at {@code /} from META-INF/resources. */
@Path("/status")
public class StatusPage {

    @GET
    public Response status(UriInfo uri) {
        return Response.seeOther(uri.getBaseUriBuilder().path("/").build()).build();
    }
}
