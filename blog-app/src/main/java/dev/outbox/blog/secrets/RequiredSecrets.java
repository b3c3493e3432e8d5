package dev.outbox.blog.secrets;

import io.smallrye.config.ConfigMapping;

/**
 * The secrets blog-app cannot start without. The datasource password is optional to Quarkus, so an unset
 * {@code BLOG_DB_PASSWORD} would quietly mean "no password"; required here, a start without it fails naming it.
 */
@ConfigMapping(prefix = "blog.secrets")
public interface RequiredSecrets {

    /** Always {@code quarkus.datasource.password}, whoever sets it (BLOG_DB_PASSWORD, a test, ./run-local). */
    String databasePassword();
}
