package dev.outbox.blog.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.outbox.blog.problem.ProblemType;
import dev.outbox.service.problem.ProblemException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Token buckets (Bucket4j, in memory, one process) per API token and per client address. Writes spend the bucket of
 * their token once the token is known to resolve to a user; a credential that turns out not to be valid spends its
 * address's budget of refused tokens, and once that is gone the address's unknown tokens are refused before they reach
 * the database. Over a limit: 429 {@code /problems/rate-limited} with {@code Retry-After}.
 */
@Startup // a bad setting fails the start, not the first write
@ApplicationScoped
public class RateLimits {

    private final boolean enabled;
    final Limit writes;
    final Limit signups;
    final Limit unknownTokens;

    /** {@code clock}: what buckets refill by ({@link RateLimitClock}; a test advances its own). */
    @Inject
    RateLimits(RateLimitSettings settings, TimeMeter clock) {
        enabled = settings.enabled();
        writes = new Limit("blog.rate-limits.writes", settings.writesPerSecond(), Duration.ofSeconds(1),
                settings.writesBurst(), settings.maxTrackedKeys(), clock);
        signups = new Limit("blog.rate-limits.signups", settings.signupsPerMinute(), Duration.ofMinutes(1),
                settings.signupsBurst(), settings.maxTrackedKeys(), clock);
        unknownTokens = new Limit("blog.rate-limits.unknown-tokens", settings.unknownTokensPerMinute(),
                Duration.ofMinutes(1), settings.unknownTokensBurst(), settings.maxTrackedKeys(), clock);
    }

    void admitSignUp(String address) {
        if (!enabled) {
            return;
        }
        signups.take(address, "Too many sign-ups from your address; nothing was written.");
    }

    /**
     * Before the token lookup. A token seen to be valid spends its own bucket; any other credential is let through to
     * the lookup only while its address has not used up its budget of refused tokens. Returns whether the credential
     * was unknown, so that a 401 can be charged to the address ({@link #tokenRefused}).
     */
    boolean admitWrite(String authorization, String address) {
        if (!enabled) {
            return false;
        }
        String token = keyOf(authorization);
        if (writes.knows(token)) {
            writes.take(token, "Too many writes with this API token; nothing was written.");
            return false;
        }
        unknownTokens.requireLeft(address, "Too many writes with API tokens that are not valid from your address; "
                + "nothing was written.");
        return true;
    }

    /** A write from this address with an unknown credential was refused with 401. */
    void tokenRefused(String address) {
        if (enabled) {
            unknownTokens.spend(address);
        }
    }

    /**
     * Called once a request's {@code Authorization} resolved to a user: the token's later writes spend its own
     * bucket, and this one is its first spending.
     */
    public void tokenProven(String authorization) {
        if (enabled) {
            writes.remember(keyOf(authorization));
        }
    }

    /** A digest, not the token: the heap holds no credential longer than its request. */
    private static String keyOf(String authorization) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(authorization.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** One limit: a bucket per key in a bounded cache. */
    static final class Limit {

        /** When the limit is off, keys are still remembered (a proven token) but nothing is counted. */
        private static final Bucket UNCOUNTED = Bucket.builder().addLimit(limit -> limit.capacity(1)
                .refillGreedy(1, Duration.ofSeconds(1))).build();
        /** Buckets untouched for longer are forgotten even if the cache is not full (they would be full again). */
        private static final Duration MIN_IDLE = Duration.ofHours(1);

        private final Bandwidth bandwidth;
        private final TimeMeter clock;
        private final Cache<String, Bucket> buckets;

        Limit(String name, double rate, Duration per, int burst, int maxKeys, TimeMeter clock) {
            if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException(name + (per.toMinutes() == 1 ? "-per-minute" : "-per-second")
                        + " must be 0 (off) or positive, not " + rate);
            }
            if (rate > 0 && burst < 1) {
                throw new IllegalArgumentException(name + "-burst must be at least 1, not " + burst);
            }
            if (maxKeys < 1) {
                throw new IllegalArgumentException("blog.rate-limits.max-tracked-keys must be at least 1");
            }
            // One token every per/rate, refilled smoothly: 0.25 per second is one token each 4 s.
            Duration perToken = Duration.ofNanos(Math.max(1, Math.round(per.toNanos() / Math.max(rate, 1e-9))));
            bandwidth = rate == 0 ? null : Bandwidth.builder().capacity(burst).refillGreedy(1, perToken).build();
            this.clock = clock;
            Duration fullRefill = perToken.multipliedBy(Math.max(burst, 1));
            buckets = Caffeine.newBuilder()
                    .maximumSize(maxKeys)
                    .expireAfterAccess(fullRefill.compareTo(MIN_IDLE) > 0 ? fullRefill : MIN_IDLE)
                    .build();
        }

        /** After pending evictions: what the cache holds now. */
        long trackedKeys() {
            buckets.cleanUp();
            return buckets.estimatedSize();
        }

        boolean knows(String key) {
            return buckets.getIfPresent(key) != null;
        }

        void remember(String key) {
            buckets.get(key, k -> {
                Bucket bucket = newBucket();
                if (bandwidth != null) {
                    bucket.tryConsume(1);
                }
                return bucket;
            });
        }

        /** Refuses when the key has nothing left, without spending; an address never refused is not stored. */
        void requireLeft(String key, String detail) {
            Bucket bucket = bandwidth == null ? null : buckets.getIfPresent(key);
            if (bucket != null) {
                EstimationProbe probe = bucket.estimateAbilityToConsume(1);
                if (!probe.canBeConsumed()) {
                    throw refused(detail, probe.getNanosToWaitForRefill());
                }
            }
        }

        void spend(String key) {
            if (bandwidth != null) {
                buckets.get(key, k -> newBucket()).tryConsume(1);
            }
        }

        void take(String key, String detail) {
            if (bandwidth == null) {
                return;
            }
            ConsumptionProbe probe = buckets.get(key, k -> newBucket()).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                throw refused(detail, probe.getNanosToWaitForRefill());
            }
        }

        /** Retry-After in whole seconds, rounded up: retrying at once after it finds a token. */
        private static ProblemException refused(String detail, long nanosToWait) {
            long seconds = Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L);
            return new ProblemException(
                    ProblemType.RATE_LIMITED.problem(429, detail + " Retry after the delay given."),
                    Map.of(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        }

        private Bucket newBucket() {
            return bandwidth == null ? UNCOUNTED
                    : Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(clock).build();
        }
    }
}
