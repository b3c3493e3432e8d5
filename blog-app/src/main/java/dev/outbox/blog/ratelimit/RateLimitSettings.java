package dev.outbox.blog.ratelimit;

import io.smallrye.config.ConfigMapping;

/**
 * How fast writes and sign-ups may come; the defaults live in application.properties beside their environment
 * variables. A rate of 0 turns that limit off, {@code enabled=false} turns them all off.
 */
@ConfigMapping(prefix = "blog.rate-limits")
public interface RateLimitSettings {

    boolean enabled();

    /** {@code POST/PUT/DELETE /blogs…} per API token, sustained; a fraction such as 0.25 is one every 4 s. */
    double writesPerSecond();

    /** Writes a token may make at once before the sustained rate applies. */
    int writesBurst();

    /** {@code POST /users} per client address. */
    double signupsPerMinute();

    int signupsBurst();

    /**
     * Writes refused with 401 (a guessed, mistyped or revoked token) per client address. Once they are used up, that
     * address's tokens not yet seen to be valid are refused before they are looked up in the database.
     */
    double unknownTokensPerMinute();

    int unknownTokensBurst();

    /**
     * Tokens or addresses each limit remembers (memory per key: the README's rate limits); past it the cache
     * evicts by frequency and recency, so a flood of new keys cannot grow the heap.
     */
    int maxTrackedKeys();
}
