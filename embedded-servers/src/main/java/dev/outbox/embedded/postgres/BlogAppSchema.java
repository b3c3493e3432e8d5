package dev.outbox.embedded.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * blog-app's schema as its Flyway migrations build it, read from the blog-app module: the tests and benchmarks of the
 * other modules write to the real outbox and users tables, with every migration applied, not a copy of their DDL.
 */
public final class BlogAppSchema {

    private static final Path MIGRATIONS = Path.of("blog-app", "src", "main", "resources", "db", "migration");

    private BlogAppSchema() {
    }

    /**
     * Applies every migration to the database, in Flyway's version order.
     *
     * @param repositoryRoot the checkout's root: {@code ..} from a module's tests, the working directory of a benchmark
     */
    public static void apply(Connection database, Path repositoryRoot) throws SQLException {
        try (Statement statement = database.createStatement()) {
            for (Path migration : migrations(repositoryRoot)) {
                statement.execute(Files.readString(migration));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read blog-app's migrations in "
                    + repositoryRoot.resolve(MIGRATIONS), e);
        }
    }

    /** The migrations ({@code V1__…}, {@code V2__…}, … {@code V10__…}) by version, as numbers. */
    static List<Path> migrations(Path repositoryRoot) throws IOException {
        try (Stream<Path> files = Files.list(repositoryRoot.resolve(MIGRATIONS))) {
            return files.filter(file -> file.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(BlogAppSchema::version))
                    .toList();
        }
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
