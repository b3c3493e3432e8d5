package dev.outbox.service.operator;

import dev.outbox.service.problem.Problem;
import dev.outbox.service.problem.ProblemException;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * Guards a service's operator endpoints with the token its {@link Guard} names. Fails closed: without a token
 * configured they refuse everyone. Only the token's SHA-256 is kept, and hashes are compared in constant time, so
 * neither a heap dump nor response timing hands it out. Each service produces one at start, so a guessable token
 * stops it there.
 */
public class OperatorToken {

    private static final Logger LOG = Logger.getLogger(OperatorToken.class);
    /** Guessable tokens are refused at start rather than accepted quietly. */
    public static final int MIN_LENGTH = 16;
    private static final String BEARER = "Bearer ";

    /**
     * The words a service's refusals use: {@code property} and {@code variable} set the token, {@code endpoints} are
     * what it guards, {@code forbids} what no one may do without it, {@code realm} the challenge's realm.
     */
    public record Guard(String property, String variable, String endpoints, String forbids, String realm) {
    }

    private final Guard guard;
    private final byte[] expectedHash;

    public OperatorToken(Optional<String> configured, Guard guard) {
        this.guard = guard;
        String token = configured.map(String::strip).orElse("");
        if (token.isEmpty()) {
            LOG.warnf("%s (%s) is not set: %s refuses every request", guard.property(), guard.variable(),
                    guard.endpoints());
            expectedHash = null;
        } else if (token.length() < MIN_LENGTH) {
            throw new IllegalStateException(guard.property() + " (" + guard.variable() + ") must be at least "
                    + MIN_LENGTH + " characters long; generate one, e.g. with 'openssl rand -hex 32'");
        } else {
            expectedHash = sha256(token);
        }
    }

    /** Returns when {@code authorization} carries the operator token; otherwise throws the problem to answer. */
    public void require(String authorization) {
        if (expectedHash == null) {
            throw new ProblemException(Problem.of(Problem.FORBIDDEN, "Operator endpoints are disabled", 403,
                    "No operator token is configured (" + guard.property() + ", " + guard.variable()
                            + "), so no one may " + guard.forbids() + "."));
        }
        String challenge = "Bearer realm=\"" + guard.realm() + "\"";
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated("Send the operator token as 'Authorization: Bearer <token>'.", challenge);
        }
        byte[] hash = sha256(authorization.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(hash, expectedHash)) {
            throw unauthenticated("The operator token is not valid.", challenge + ", error=\"invalid_token\"");
        }
    }

    private static ProblemException unauthenticated(String detail, String challenge) {
        return new ProblemException(Problem.of(Problem.UNAUTHENTICATED, "The operator token is required", 401,
                detail), Map.of(HttpHeaders.WWW_AUTHENTICATE, challenge));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
