package dev.outbox.relay.deadletter;

import dev.outbox.relay.engine.RelayConfig;
import dev.outbox.service.operator.OperatorToken;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The relay's operator token ({@code relay.operator-token}), made at start so a guessable one stops the relay. */
class OperatorTokenProducer {

    @Produces
    @Startup
    @Singleton
    OperatorToken operatorToken(RelayConfig config) {
        return new OperatorToken(config.operatorToken(), new OperatorToken.Guard("relay.operator-token",
                "RELAY_OPERATOR_TOKEN", "/dead-letters", "read or replay dead letters", "relay-operator"));
    }
}
