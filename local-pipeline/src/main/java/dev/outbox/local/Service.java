package dev.outbox.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One running application: its name (the module's, or another for a second process of one module: a standby relay,
 * a second search member), its module (whose packaged jar runs), its port, and the settings it needs.
 */
record Service(String name, String module, int port, Map<String, String> settings) {

    Service(String module, int port, Map<String, String> settings) {
        this(module, module, port, settings);
    }

    /**
     * Its heap, sized from the most the module keeps live in the pipeline benchmark's catch-up, with room for young
     * garbage: G1 grows any heap to its maximum under load, so a larger one only holds more memory (docs/benchmarks.md,
     * "Memory"). docker-compose sets the same.
     */
    List<String> jvmOptions() {
        return List.of(switch (module) {
            case "cdc-relay", "search-indexer" -> "-Xmx192m";
            default -> "-Xmx128m";
        });
    }

    Path jar(Path repository) {
        return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
