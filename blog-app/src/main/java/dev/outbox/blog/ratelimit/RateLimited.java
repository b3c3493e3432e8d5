package dev.outbox.blog.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a resource method whose requests {@link RateLimitFilter} counts, and by what. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {

    Key value();

    enum Key {
        /** Per API token (the {@code Authorization} header); a write without one is left to answer 401. */
        API_TOKEN,
        /** Per client address: the connection's, or the forwarded one when {@code quarkus.http.proxy.*} says so. */
        CLIENT_ADDRESS
    }
}
