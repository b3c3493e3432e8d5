package dev.outbox.blog.publish;

import dev.outbox.blog.problem.BlogProblems;
import dev.outbox.blog.problem.FieldError;
import dev.outbox.blog.problem.ProblemType;
import dev.outbox.blog.user.User;
import dev.outbox.service.problem.ProblemException;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /users/{id}/blogs}: an author's live blogs, newest first. Keyset-paginated (a cursor,
 * not an offset) so deep pages cost the same as the first and a publish never shifts a page.
 */
@Path("/users/{authorId}/blogs")
@Produces(MediaType.APPLICATION_JSON)
public class AuthorBlogsResource {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    /** One page; {@code next} is the URL of the following page, absent on the last one. */
    public record BlogPage(List<BlogView> items, URI next) {
    }

    @APIResponse(responseCode = "200", description = "Live blogs, newest first; next and Link: rel=next name the following page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BlogPage.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @GET
    public Response list(@PathParam("authorId") long authorId,
                         @QueryParam("limit") String limitParameter,
                         @QueryParam("before") String beforeParameter,
                         UriInfo uri) {
        int limit = number("limit", limitParameter, DEFAULT_LIMIT, Integer::valueOf,
                "must be a whole number from 1 to " + MAX_LIMIT);
        long cursor = number("before", beforeParameter, Long.MAX_VALUE, Long::valueOf,
                "must be the id of a blog, a whole number");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw BlogProblems.invalid(List.of(new FieldError("limit", "must be between 1 and " + MAX_LIMIT)));
        }
        if (User.findById(authorId) == null) {
            throw BlogProblems.notFound("No user with id " + authorId + ".");
        }
        List<Blog> rows = Blog.<Blog>find("authorId = ?1 and status = ?2 and id < ?3",
                        Sort.descending("id"), authorId, Blog.Status.PUBLISHED, cursor)
                .page(Page.ofSize(limit + 1))
                .list();
        List<BlogView> items = rows.stream().limit(limit).map(BlogView::of).toList();
        URI next = rows.size() > limit
                ? uri.getRequestUriBuilder().replaceQueryParam("before", items.get(items.size() - 1).id())
                        .replaceQueryParam("limit", limit).build()
                : null;
        Response.ResponseBuilder response = Response.ok(new BlogPage(items, next));
        if (next != null) {
            response.links(Link.fromUri(next).rel("next").build());
        }
        return response.build();
    }

    /**
     * Parsed here rather than by Quarkus REST, which answers 404 for a query parameter it cannot convert: a limit too
     * large for an int is the client's mistake, not a missing resource. An empty value counts as absent.
     */
    private static <T extends Number> T number(String name, String value, T absent, Function<String, T> parse,
                                               String rule) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.MALFORMED_PARAMETER.problem(400,
                    "The query parameter '" + name + "' is not a number the API can read.")
                    .withErrors(List.of(new FieldError(name, rule))), Map.of());
        }
    }
}
