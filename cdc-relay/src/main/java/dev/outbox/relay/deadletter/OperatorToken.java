package dev.outbox.relay.deadletter;

import dev.outbox.relay.engine.RelayConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Guards the relay's operator endpoints with {@code relay.operator-token}, as search-indexer guards its rebuild. Fails
 * closed: without a token configured they refuse everyone. Only the token's SHA-256 is kept, and hashes are compared
 * in constant time, so neither a heap dump nor response timing hands it out.
 */
@Startup
@Singleton
public class OperatorToken {

    private static final Logger LOG = Logger.getLogger(OperatorToken.class);
    /** Guessable tokens are refused at start rather than accepted quietly. */
    static final int MIN_LENGTH = 16;
    private static final String BEARER = "Bearer ";
    private static final String CHALLENGE = "Bearer realm=\"relay-operator\"";

    private final byte[] expectedHash;

    @Inject
    public OperatorToken(RelayConfig config) {
        String token = config.operatorToken().map(String::strip).orElse("");
        if (token.isEmpty()) {
            LOG.warn("relay.operator-token (RELAY_OPERATOR_TOKEN) is not set: /dead-letters refuses every request");
            expectedHash = null;
        } else if (token.length() < MIN_LENGTH) {
            throw new IllegalStateException("relay.operator-token (RELAY_OPERATOR_TOKEN) must be at least "
                    + MIN_LENGTH + " characters long; generate one, e.g. with 'openssl rand -hex 32'");
        } else {
            expectedHash = sha256(token);
        }
    }

    /** Returns when {@code authorization} carries the operator token; otherwise throws the problem to answer. */
    void require(String authorization) {
        if (expectedHash == null) {
            throw new ProblemException(Problem.FORBIDDEN, "Operator endpoints are disabled", 403,
                    "No operator token is configured (relay.operator-token, RELAY_OPERATOR_TOKEN), so no one may "
                            + "read or replay dead letters.");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated("Send the operator token as 'Authorization: Bearer <token>'.", CHALLENGE);
        }
        byte[] hash = sha256(authorization.substring(BEARER.length()).strip());
        if (!MessageDigest.isEqual(hash, expectedHash)) {
            throw unauthenticated("The operator token is not valid.", CHALLENGE + ", error=\"invalid_token\"");
        }
    }

    private static ProblemException unauthenticated(String detail, String challenge) {
        return new ProblemException(Problem.UNAUTHENTICATED, "The operator token is required", 401, detail,
                Map.of(HttpHeaders.WWW_AUTHENTICATE, challenge));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
