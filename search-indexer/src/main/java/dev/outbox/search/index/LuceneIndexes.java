package dev.outbox.search.index;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Lucene indexes as numbered generations under one directory ({@code generation-000001}, ...), with a
 * {@code CURRENT} file naming the live one. Switching generations is one atomic rename, so a crash leaves
 * either the old or the new index live, never a mixture; leftovers of an unfinished rebuild are removed at
 * start.
 */
public final class LuceneIndexes implements SearchIndexes {

    private static final Logger LOG = Logger.getLogger(LuceneIndexes.class);
    private static final String CURRENT = "CURRENT";
    private static final String PREFIX = "generation-";

    private final Path root;

    public LuceneIndexes(Path root) {
        this.root = root;
    }

    @Override
    public SearchIndex openLive() throws IOException {
        Files.createDirectories(root);
        Path current = root.resolve(CURRENT);
        String live = Files.exists(current) ? Files.readString(current, StandardCharsets.UTF_8).strip() : null;
        if (live == null) {
            live = nextGeneration();
            writeCurrent(live);
        }
        for (Path generation : generations()) {
            if (!generation.getFileName().toString().equals(live)) {
                LOG.infof("Removing %s, left over from an unfinished rebuild", generation);
                deleteTree(generation);
            }
        }
        return new LuceneSearchIndex(root.resolve(live));
    }

    @Override
    public SearchIndex createFresh() throws IOException {
        return new LuceneSearchIndex(root.resolve(nextGeneration()));
    }

    @Override
    public void makeLive(SearchIndex fresh) throws IOException {
        writeCurrent(lucene(fresh).path().getFileName().toString());
    }

    @Override
    public void discard(SearchIndex index) throws IOException {
        index.close();
        deleteTree(lucene(index).path());
    }

    @Override
    public Optional<RebuildClaim> claimRebuild(String owner) {
        return Optional.of(RebuildClaim.LOCAL);
    }

    /** The index is in this process: its failures show in the consumer's readiness. Here: its folder can be written. */
    @Override
    public Health health() {
        return new Health(Files.isDirectory(root) && Files.isWritable(root), Map.of("backend", "lucene"));
    }

    private String nextGeneration() throws IOException {
        int highest = generations().stream()
                .mapToInt(dir -> Integer.parseInt(dir.getFileName().toString().substring(PREFIX.length())))
                .max().orElse(0);
        return PREFIX + "%06d".formatted(highest + 1);
    }

    private List<Path> generations() throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .filter(dir -> dir.getFileName().toString().matches(PREFIX + "\\d+"))
                    .toList();
        }
    }

    /** Write, fsync, rename, fsync the directory: the pointer is either old or new after any crash. */
    private void writeCurrent(String generation) throws IOException {
        Path next = root.resolve(CURRENT + ".next");
        Files.writeString(next, generation + "\n", StandardCharsets.UTF_8);
        try (FileChannel file = FileChannel.open(next, StandardOpenOption.WRITE)) {
            file.force(true);
        }
        Files.move(next, root.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(root, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static LuceneSearchIndex lucene(SearchIndex index) {
        if (index instanceof LuceneSearchIndex lucene) {
            return lucene;
        }
        throw new IllegalArgumentException("Not an index of this directory: " + index.location());
    }

    private static void deleteTree(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
