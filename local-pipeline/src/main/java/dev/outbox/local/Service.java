package dev.outbox.local;

import java.nio.file.Path;
import java.util.Map;

/** One of the four applications: its module (whose packaged jar runs), its port, and the settings it needs. */
record Service(String module, int port, Map<String, String> settings) {

    Path jar(Path repository) {
        return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
