package dev.outbox.relay;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's feature packages depend on each other in one direction only: {@code lag} reads what {@code engine}
 * writes, {@code engine} never reads its readers' types back. Read from the sources' imports.
 */
class PackageArrowsTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "outbox", "relay");
    private static final Pattern RELAY_IMPORT = Pattern.compile("^import (?:static )?dev\\.outbox\\.relay\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    @Test
    void noTwoPackagesImportEachOtherDirectlyOrThroughOthers() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        assertThat(arrows).containsKeys("engine", "lag");

        List<String> cycles = new ArrayList<>();
        for (String from : arrows.keySet()) {
            for (String to : reachable(arrows, from)) {
                if (reachable(arrows, to).contains(from)) {
                    cycles.add(from + " -> " + to + " -> " + from);
                }
            }
        }
        assertThat(cycles).as("package cycles (arrows: %s)", arrows).isEmpty();
    }

    @Test
    void theEngineKnowsNothingOfWhoReportsOnIt() throws IOException {
        assertThat(arrows().get("engine")).doesNotContain("lag");
    }

    /** For each package under dev.outbox.relay, the other packages its classes import. */
    private static Map<String, Set<String>> arrows() throws IOException {
        Map<String, Set<String>> arrows = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Set<String> to = arrows.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher imported = RELAY_IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    if (!imported.group(1).equals(from)) {
                        to.add(imported.group(1));
                    }
                }
            }
        }
        return arrows;
    }

    private static Set<String> reachable(Map<String, Set<String>> arrows, String from) {
        Set<String> seen = new TreeSet<>();
        List<String> next = new ArrayList<>(arrows.getOrDefault(from, Set.of()));
        while (!next.isEmpty()) {
            String one = next.remove(next.size() - 1);
            if (seen.add(one)) {
                next.addAll(arrows.getOrDefault(one, Set.of()));
            }
        }
        return seen;
    }
}
