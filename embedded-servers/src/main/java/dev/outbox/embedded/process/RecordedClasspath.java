package dev.outbox.embedded.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath of a server that runs in a JVM of its own, recorded at build time (maven-dependency-plugin's
 * build-classpath) into a resource, so that none of the server's libraries reach the classpath of a test.
 */
public final class RecordedClasspath {

    private RecordedClasspath() {
    }

    /**
     * The entries recorded in {@code resource} (looked up from {@code owner}), then the jar or folder holding
     * {@code mainClass}; fails naming {@code module}, which records it, when the resource or an entry is missing.
     */
    public static String of(Class<?> owner, String resource, String mainClass, String module) {
        List<String> entries = new ArrayList<>();
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: rebuild " + module);
            }
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
                if (!Files.exists(Path.of(entry))) {
                    throw new IllegalStateException("Classpath entry " + entry + " of " + resource
                            + " is gone from the local Maven repository: rebuild " + module);
                }
                entries.add(entry);
            }
            // Loaded, not initialised: nothing of the server is linked in this JVM.
            Class<?> main = Class.forName(mainClass, false, owner.getClassLoader());
            entries.add(Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return String.join(File.pathSeparator, entries);
    }
}
