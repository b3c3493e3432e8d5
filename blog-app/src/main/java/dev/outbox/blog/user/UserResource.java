package dev.outbox.blog.user;

import dev.outbox.blog.problem.BlogProblems;
import dev.outbox.blog.problem.FieldError;
import dev.outbox.blog.ratelimit.RateLimited;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

import java.util.List;

/** {@code /users}: sign up, and read a profile with its stored {@code total_blogs}. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    @Inject
    UserRegistration registration;

    @APIResponse(responseCode = "201", description = "The user and its api_token, shown this once",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegisteredUser.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "ContentTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @RateLimited(RateLimited.Key.CLIENT_ADDRESS)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(NewUser request, UriInfo uri) {
        if (request == null) {
            throw BlogProblems.invalid(List.of(
                    new FieldError("$", "a JSON object with handle and display_name is required")));
        }
        RegisteredUser user = registration.register(request);
        return Response.created(uri.getBaseUriBuilder().path("users").path(String.valueOf(user.id())).build())
                // The only answer that shows the API token: no cache or proxy may keep a copy.
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(user)
                .build();
    }

    /** A primary-key read of the stored counter: never a COUNT(*) over blogs. */
    @APIResponse(responseCode = "200", description = "The user with its stored total_blogs",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    @GET
    @Path("/{id}")
    public UserView get(@PathParam("id") long id) {
        User user = User.findById(id);
        if (user == null) {
            throw BlogProblems.notFound("No user with id " + id + ".");
        }
        return UserView.of(user);
    }
}
