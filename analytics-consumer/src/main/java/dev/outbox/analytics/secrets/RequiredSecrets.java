package dev.outbox.analytics.secrets;

import io.smallrye.config.ConfigMapping;

/**
 * The secrets analytics cannot start without. The datasource password is optional to Quarkus, so an unset
 * {@code ANALYTICS_DB_PASSWORD} would quietly mean "no password"; required here, a start without it fails naming it.
 */
@ConfigMapping(prefix = "analytics.secrets")
public interface RequiredSecrets {

    /** Always {@code quarkus.datasource.password}, whoever sets it (ANALYTICS_DB_PASSWORD, a test, ./run-local). */
    String databasePassword();
}
