package dev.outbox.blog.user;

import dev.outbox.blog.problem.Problem.FieldError;
import dev.outbox.blog.problem.ProblemException;
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

import java.util.List;

/** {@code /users}: sign up, and read a profile with its stored {@code total_blogs}. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    @Inject
    UserRegistration registration;

    @RateLimited(RateLimited.Key.CLIENT_ADDRESS)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(NewUser request, UriInfo uri) {
        if (request == null) {
            throw ProblemException.invalid(List.of(
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
    @GET
    @Path("/{id}")
    public UserView get(@PathParam("id") long id) {
        User user = User.findById(id);
        if (user == null) {
            throw ProblemException.notFound("No user with id " + id + ".");
        }
        return UserView.of(user);
    }
}
