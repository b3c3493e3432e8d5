package dev.outbox.blog.ratelimit;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Applies {@link RateLimited} once the request is matched to its method, before its body is read and before any
 * database work: a refused request costs a hash and a map lookup.
 */
public class RateLimitFilter {

    private static final String UNKNOWN_TOKEN_FROM = RateLimitFilter.class.getName() + ".unknownTokenFrom";

    @Inject
    RateLimits limits;

    @ServerRequestFilter
    public void limit(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest connection) {
        RateLimited limited = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(RateLimited.class);
        if (limited == null) {
            return;
        }
        switch (limited.value()) {
            case API_TOKEN -> {
                String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
                // Without a credential the write is refused with 401 before any lookup: nothing to protect.
                String address = address(connection);
                if (authorization != null && limits.admitWrite(authorization, address)) {
                    request.setProperty(UNKNOWN_TOKEN_FROM, address);
                }
            }
            case CLIENT_ADDRESS -> limits.admitSignUp(address(connection));
        }
    }

    /** An unknown credential that ApiTokens refused spends its address's budget; a valid one was remembered there. */
    @ServerResponseFilter
    public void chargeRefusedToken(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 401 && request.getProperty(UNKNOWN_TOKEN_FROM) instanceof String address) {
            limits.tokenRefused(address);
        }
    }

    private static String address(HttpServerRequest connection) {
        SocketAddress remote = connection.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }
}
