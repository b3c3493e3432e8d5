package dev.outbox.blog.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * Token hashes recently found in the database, with their user, each kept for a fixed time from its lookup: a hit does
 * not extend it, so a token in constant use is still looked up again once per TTL and a revoked one stops working.
 * Bounded, so a flood of valid tokens cannot grow the heap. A TTL of zero remembers nothing.
 */
final class ValidTokens {

    private final Cache<ByteBuffer, Long> users;

    ValidTokens(Duration ttl, int maxTokens, Ticker ticker) {
        users = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(ttl.isZero() ? 0 : maxTokens)
                .ticker(ticker)
                .build();
    }

    Optional<Long> userOf(byte[] tokenHash) {
        return Optional.ofNullable(users.getIfPresent(ByteBuffer.wrap(tokenHash)));
    }

    void remember(byte[] tokenHash, long userId) {
        users.put(ByteBuffer.wrap(tokenHash.clone()), userId);
    }
}
