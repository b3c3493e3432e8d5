package dev.outbox.bench.search;

import java.util.Locale;

/** Where the indexer under test keeps its index: {@code search.backend} of the same name. */
enum Backend {
    LUCENE, OPENSEARCH;

    static Backend named(String name) {
        for (Backend backend : values()) {
            if (backend.label().equals(name.trim())) {
                return backend;
            }
        }
        throw new IllegalArgumentException("backends are lucene and opensearch, not '" + name + "'");
    }

    /** As on the command line, in {@code search.backend} and in the report. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
