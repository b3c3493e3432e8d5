package dev.outbox.local;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./run-local} runs on the classpath this module records at package time: its servers, no test library. */
class RunLocalClasspathIT {

    @Test
    void runsOnTheEmbeddedServersWithoutAnyTestLibrary() throws IOException {
        List<String> entries = List.of(Files.readString(Path.of("target/local.classpath")).strip()
                .split(File.pathSeparator));

        assertThat(entries).anyMatch(entry -> entry.contains("embedded-servers"));
        assertThat(entries).noneMatch(entry -> entry.matches(
                ".*/(test-support|awaitility|testcontainers[^/]*|junit[^/]*|assertj-core|opentelemetry-sdk-testing)/.*"));
    }
}
