package dev.outbox.bench.search;

/** One backlog drain: a fresh index on {@code backend}, filled by {@code members} indexers in one group of its own. */
record DrainSetup(Backend backend, int members, int pollRecords) {

    /** Names the drain's group, index folder or alias, and logs: lower case, as OpenSearch wants index names. */
    String id() {
        return backend.label() + "-" + members + "m-" + pollRecords;
    }

    String describe() {
        return backend.label() + (members > 1 ? " ×" + members : "") + " " + pollRecords;
    }
}
