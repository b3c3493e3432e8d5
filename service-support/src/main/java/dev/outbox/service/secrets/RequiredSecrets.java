package dev.outbox.service.secrets;

import io.smallrye.config.ConfigMapping;

/**
 * The secrets a service with a database cannot start without. The datasource password is optional to Quarkus, so an
 * unset {@code *_DB_PASSWORD} would quietly mean "no password"; required here, a start without it fails naming it.
 * A service opts in with {@code outbox.secrets.database-password=${quarkus.datasource.password}} and by injecting
 * this (its {@code SecretsCheck}).
 */
@ConfigMapping(prefix = "outbox.secrets")
public interface RequiredSecrets {

    /** Always {@code quarkus.datasource.password}, whoever sets it (the service's variable, a test, ./run-local). */
    String databasePassword();
}
