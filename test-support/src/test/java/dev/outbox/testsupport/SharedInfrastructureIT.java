package dev.outbox.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.embedded.opensearch.OpenSearchServer;
import dev.outbox.embedded.postgres.PostgresServer;


class SharedInfrastructureIT {

    @Test
    void eachServerIsStartedOncePerJvm() {
        assertSame(SharedInfrastructure.postgres(), SharedInfrastructure.postgres());
        assertSame(SharedInfrastructure.kafka(), SharedInfrastructure.kafka());
        assertSame(SharedInfrastructure.openSearch(), SharedInfrastructure.openSearch());
    }

    @Test
    void copiesOfThisModuleInOtherClassLoadersShareTheSameServers() throws Exception {
        PostgresServer postgres = SharedInfrastructure.postgres();
        KafkaServer kafka = SharedInfrastructure.kafka();
        OpenSearchServer openSearch = SharedInfrastructure.openSearch();

        // What Quarkus does for each application it starts: this module loaded again, isolated from this copy.
        try (URLClassLoader isolated = new URLClassLoader(classPath(), ClassLoader.getPlatformClassLoader())) {
            Class<?> copy = isolated.loadClass(SharedInfrastructure.class.getName());
            assertNotSame(SharedInfrastructure.class, copy);

            Object otherPostgres = copy.getMethod("postgres").invoke(null);
            Object otherKafka = copy.getMethod("kafka").invoke(null);
            Object otherOpenSearch = copy.getMethod("openSearch").invoke(null);

            assertEquals(postgres.port(), call(otherPostgres, "port"));
            assertEquals(postgres.jdbcUrl(), call(otherPostgres, "jdbcUrl"));
            assertEquals(true, call(otherPostgres, "isRunning"));
            assertEquals(kafka.bootstrapServers(), call(otherKafka, "bootstrapServers"));
            assertEquals(openSearch.url(), call(otherOpenSearch, "url"));
            assertEquals(true, call(otherOpenSearch, "isRunning"));
        }
    }

    private static Object call(Object target, String method) throws Exception {
        return target.getClass().getInterfaces()[0].getMethod(method).invoke(target);
    }

    private static URL[] classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toArray(URL[]::new);
    }
}
