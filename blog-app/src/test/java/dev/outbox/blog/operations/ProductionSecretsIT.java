package dev.outbox.blog.operations;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged blog-app in the production profile refuses to start without its database password, naming the
 * variable, instead of falling back to a laptop default. No database is needed: it stops before it would connect.
 */
class ProductionSecretsIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @Test
    void aProductionStartWithoutTheDatabasePasswordFailsNamingTheVariable() throws Exception {
        assertThat(JAR).as("packaged by the build before the integration tests").exists();
        Path log = Files.createTempFile("blog-app-prod-", ".log");
        ProcessBuilder start = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        start.environment().keySet().removeIf(name -> name.startsWith("BLOG_") || name.startsWith("QUARKUS_"));
        // A port nothing listens on, in case the start got as far as the database.
        start.environment().put("BLOG_DB_URL", "jdbc:postgresql://127.0.0.1:1/blog");
        start.environment().put("BLOG_HTTP_PORT", "0");
        Process process = start.start();
        process.getOutputStream().close();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("blog-app exited within 90 s").isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("Could not expand value BLOG_DB_PASSWORD in property quarkus.datasource.password");
    }
}
