package dev.outbox.embedded.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlogAppSchemaTest {

    @Test
    void ordersMigrationsByVersionNumberAndSkipsOtherFiles(@TempDir Path repository) throws IOException {
        Path migrations = Files.createDirectories(repository.resolve("blog-app/src/main/resources/db/migration"));
        for (String name : List.of("V10__later.sql", "V2__second.sql", "V1__first.sql", "README.md")) {
            Files.writeString(migrations.resolve(name), "select 1");
        }

        assertEquals(List.of("V1__first.sql", "V2__second.sql", "V10__later.sql"), names(repository));
    }

    @Test
    void findsBlogAppsOwnMigrationsFromAModule() throws IOException {
        assertEquals(List.of("V1__blog_schema.sql", "V2__outbox_tracing_context.sql"),
                names(Path.of("..")).subList(0, 2));
    }

    private static List<String> names(Path repository) throws IOException {
        return BlogAppSchema.migrations(repository).stream().map(path -> path.getFileName().toString()).toList();
    }
}
