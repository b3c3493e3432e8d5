package dev.outbox.relay.secrets;

import io.smallrye.config.ConfigMapping;

/**
 * The secrets the relay cannot start without. The datasource password is optional to Quarkus, so an unset
 * {@code RELAY_DB_PASSWORD} would quietly mean "no password"; required here, a start without it fails naming it.
 */
@ConfigMapping(prefix = "relay.secrets")
public interface RequiredSecrets {

    /** Always {@code quarkus.datasource.password}, whoever sets it (RELAY_DB_PASSWORD, a test, ./run-local). */
    String databasePassword();
}
