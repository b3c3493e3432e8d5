package dev.outbox.blog.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.outbox.blog.problem.ProblemType;
import dev.outbox.blog.ratelimit.RateLimits;
import dev.outbox.service.problem.ProblemException;
import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.HttpHeaders;
import org.hibernate.Session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Issues personal API tokens and resolves a {@code Authorization: Bearer} header to its user.
 * Only a SHA-256 of each token is stored, so a database dump does not hand out write access. A token found valid is
 * remembered for {@code blog.auth.token-cache-ttl} ({@link ValidTokens}): the lookup ran on every write and showed in
 * blog-app's publish profile (docs/benchmarks.md, "Publish path: profile"); a token row deleted to revoke it stops working within that time.
 */
@ApplicationScoped
public class ApiTokens {

    private static final String PREFIX = "obx_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code blog.auth.*}: how long and how many valid tokens are remembered; a TTL of 0 looks each one up. */
    @ConfigMapping(prefix = "blog.auth")
    public interface Settings {

        Duration tokenCacheTtl();

        int tokenCacheSize();
    }

    private final ValidTokens validTokens;

    @Inject
    EntityManager em;

    @Inject
    RateLimits rateLimits;

    @Inject
    ApiTokens(Settings settings) {
        validTokens = new ValidTokens(settings.tokenCacheTtl(), settings.tokenCacheSize(), Ticker.systemTicker());
    }

    /** Creates a token for the user and returns it in clear, once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public String issue(long userId) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        em.createNativeQuery("insert into api_tokens (token_hash, user_id) values (?1, ?2)")
                .setParameter(1, sha256(token))
                .setParameter(2, userId)
                .executeUpdate();
        return token;
    }

    /** The id of the user the request's bearer token belongs to; 401 if there is none or it is unknown. */
    public long requireUser(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("Send your API token as 'Authorization: Bearer <token>'.");
        }
        byte[] tokenHash = sha256(authorization.substring(7).trim());
        Optional<Long> known = validTokens.userOf(tokenHash);
        long userId;
        if (known.isPresent()) {
            userId = known.get();
        } else {
            userId = lookUp(tokenHash).orElseThrow(() -> unauthenticated("The API token is not valid."));
            validTokens.remember(tokenHash, userId);
        }
        rateLimits.tokenProven(authorization);
        return userId;
    }

    /** Plain JDBC: a Hibernate native query costs several times the lookup itself. */
    private Optional<Long> lookUp(byte[] tokenHash) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select user_id from api_tokens where token_hash = ?")) {
                select.setBytes(1, tokenHash);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    private static ProblemException unauthenticated(String detail) {
        return new ProblemException(ProblemType.UNAUTHENTICATED.problem(401, detail),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"outbox\""));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
