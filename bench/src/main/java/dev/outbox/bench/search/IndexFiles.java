package dev.outbox.bench.search;

import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentInfos;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a search index directory holds on disk: its size, and how many Lucene commits were made in it (each writes
 * {@code segments_<generation>}, the generation counting up from 1). Read while its owner keeps writing.
 */
record IndexFiles(long bytes, long commits) {

    static IndexFiles of(Path directory) throws IOException {
        Tally tally = new Tally();
        Files.walkFileTree(directory, tally);
        return new IndexFiles(tally.bytes, tally.commits);
    }

    double megabytes() {
        return bytes / (1024.0 * 1024);
    }

    private static final class Tally extends SimpleFileVisitor<Path> {
        long bytes;
        long commits;

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            bytes += attributes.size();
            String name = file.getFileName().toString();
            if (name.startsWith(IndexFileNames.SEGMENTS + "_")) {
                commits = Math.max(commits, SegmentInfos.generationFromSegmentsFileName(name));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            // A merge deleted the file since its directory was listed.
            return FileVisitResult.CONTINUE;
        }
    }
}
