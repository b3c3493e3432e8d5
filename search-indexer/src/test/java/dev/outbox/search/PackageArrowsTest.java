package dev.outbox.search;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arrows between this module's packages, read from the sources: problems are a leaf every feature may use, and
 * the storage seam speaks no Kafka type (the Kafka adapters, consume/ and rebuild/, convert).
 */
class PackageArrowsTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/outbox/search");
    /** Called by the consumer adapter with Kafka's partitions, which it converts; see its apply. */
    private static final String ADAPTER_EDGE = "LiveIndex.java";

    @Test
    void problemsImportNoFeatureAndNoFeatureReachesIntoAnothersProblems() throws IOException {
        assertThat(importsIn("problem", "import dev.outbox.search.")).isEmpty();
        assertThat(importsIn("rebuild", "import dev.outbox.search.query.")).isEmpty();
    }

    @Test
    void theIndexPackageSpeaksNoKafkaTypeBeyondItsAdapterEdge() throws IOException {
        Map<String, List<String>> kafka = importsIn("index", "import org.apache.kafka.");
        kafka.remove(ADAPTER_EDGE);
        assertThat(kafka).isEmpty();
    }

    /** File name → the import lines starting with {@code prefix}, for files that have any. */
    private static Map<String, List<String>> importsIn(String feature, String prefix) throws IOException {
        Map<String, List<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve(feature))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> imports = Files.readAllLines(file).stream().filter(line -> line.startsWith(prefix)).toList();
                if (!imports.isEmpty()) {
                    found.put(file.getFileName().toString(), imports);
                }
            }
        }
        return found;
    }
}
