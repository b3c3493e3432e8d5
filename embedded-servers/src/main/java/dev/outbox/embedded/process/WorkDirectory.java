package dev.outbox.embedded.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/**
 * Where fixtures keep their data and logs: under the calling module's build directory
 * ({@value #PROPERTY}, else {@code ./target}), so {@code mvn clean} removes them and a failed build leaves them to read.
 */
public final class WorkDirectory {

    public static final String PROPERTY = "outbox.test.workdir";

    private WorkDirectory() {
    }

    public static Path root() {
        return Path.of(System.getProperty(PROPERTY, "target")).toAbsolutePath().normalize();
    }

    /**
     * A new directory {@code <root>/<kind>/<pid>-<n>}, unique among this machine's JVMs and the class loaders within
     * one. Readable and traversable by every user, because PostgreSQL may run as {@code nobody} below it.
     */
    public static Path newInstanceDirectory(String kind) {
        Path parent = root().resolve(kind);
        try {
            Files.createDirectories(parent);
            for (int n = 1; ; n++) {
                Path dir = parent.resolve(ProcessHandle.current().pid() + "-" + n);
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                return dir;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory in " + parent, e);
        }
    }

    /** Creates {@code dir} if needed, readable and traversable by every user like the instance directories. */
    public static Path publicDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
