package dev.outbox.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * One running application: its name (the module's, or another for a second process of one module: a standby relay,
 * a second search member), its module (whose packaged jar runs), its port, and the settings it needs.
 */
record Service(String name, String module, int port, Map<String, String> settings) {

    Service(String module, int port, Map<String, String> settings) {
        this(module, module, port, settings);
    }

    Path jar(Path repository) {
        return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
