package dev.outbox.blog.secrets;

import dev.outbox.service.secrets.RequiredSecrets;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Opts this service in to {@link RequiredSecrets}: injected, Quarkus registers and validates it at start. */
@Startup
@ApplicationScoped
class SecretsCheck {

    @Inject
    RequiredSecrets secrets;
}
