package dev.outbox.blog.publish;

import dev.outbox.blog.auth.ApiTokens;
import dev.outbox.blog.problem.BlogProblems;
import dev.outbox.blog.problem.FieldError;
import dev.outbox.blog.ratelimit.RateLimited;
import dev.outbox.blog.trace.Traced;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import java.util.List;
import java.util.Optional;

/**
 * {@code /blogs}: publish, read, update and delete. Writes need the author's bearer token, which is looked up in the
 * write's transaction: one session and one pooled connection per request instead of two. Every call is a span that
 * continues the caller's trace, and the events it writes carry that trace on to the consumers.
 */
@Traced
@Path("/blogs")
@Produces(MediaType.APPLICATION_JSON)
public class BlogResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    @Inject
    BlogPublishing publishing;

    @Inject
    ApiTokens tokens;

    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "201", description = "Published, with its BlogPublished event; Location and ETag name it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BlogView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthenticated")
    @APIResponse(responseCode = "413", ref = "ContentTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @Transactional
    @RateLimited(RateLimited.Key.API_TOKEN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response publish(BlogDraft draft, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
                            HttpHeaders headers, UriInfo uri) {
        long authorId = tokens.requireUser(headers);
        Optional<String> key = Optional.ofNullable(idempotencyKey);
        key.ifPresent(IdempotencyKeys::requireWellFormed);
        BlogPublishing.Published published = publishing.publish(authorId, draft, key);
        Response.ResponseBuilder response = Response
                .created(uri.getBaseUriBuilder().path("blogs").path(String.valueOf(published.blog().id())).build())
                .tag(published.blog().entityTag())
                .entity(published.blog());
        if (published.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    /**
     * Publishes up to {@code blog.limits.max-import-blogs} drafts at once (an author moving their archive here): all
     * of them with their events in one transaction, or none. No Idempotency-Key: a key names one blog.
     */
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "201", description = "Every draft published, with its events, in one transaction",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportedBlogs.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthenticated")
    @APIResponse(responseCode = "413", ref = "ContentTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @Transactional
    @RateLimited(RateLimited.Key.API_TOKEN)
    @POST
    @Path("/import")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response importBlogs(BlogImport request, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
                                HttpHeaders headers) {
        long authorId = tokens.requireUser(headers);
        if (idempotencyKey != null) {
            throw BlogProblems.invalid(List.of(new FieldError(IDEMPOTENCY_KEY,
                    "is not supported by an import, which is all or nothing: after an unknown outcome, "
                            + "list GET /users/{id}/blogs before retrying")));
        }
        return Response.status(Response.Status.CREATED)
                .entity(new ImportedBlogs(publishing.importAll(authorId, request))).build();
    }

    @APIResponse(responseCode = "200", description = "The blog; ETag is its version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BlogView.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") long id) {
        BlogView blog = Blog.findPublished(id).map(BlogView::of)
                .orElseThrow(() -> BlogProblems.notFound("No blog with id " + id + "."));
        return Response.ok(blog).tag(blog.entityTag()).build();
    }

    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "200", description = "Updated to version + 1, with its BlogUpdated event",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BlogView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthenticated")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    @APIResponse(responseCode = "413", ref = "ContentTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @Transactional
    @RateLimited(RateLimited.Key.API_TOKEN)
    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") long id, BlogDraft draft, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           HttpHeaders headers) {
        long authorId = tokens.requireUser(headers);
        BlogView blog = publishing.update(authorId, id, draft, Optional.ofNullable(ifMatch));
        return Response.ok(blog).tag(blog.entityTag()).build();
    }

    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "204", description = "Deleted, with its BlogDeleted event")
    @APIResponse(responseCode = "401", ref = "Unauthenticated")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "412", ref = "PreconditionFailed")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @Transactional
    @RateLimited(RateLimited.Key.API_TOKEN)
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") long id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           HttpHeaders headers) {
        long authorId = tokens.requireUser(headers);
        publishing.delete(authorId, id, Optional.ofNullable(ifMatch));
        return Response.noContent().build();
    }
}
