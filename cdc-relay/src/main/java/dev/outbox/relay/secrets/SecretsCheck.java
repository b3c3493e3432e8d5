package dev.outbox.relay.secrets;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Injects {@link RequiredSecrets} so that Quarkus registers and validates it at start. */
@Startup
@ApplicationScoped
class SecretsCheck {

    @Inject
    RequiredSecrets secrets;
}
