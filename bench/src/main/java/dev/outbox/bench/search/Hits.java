package dev.outbox.bench.search;

/** How many blogs a query matched; not {@code exact} when the index stopped counting and {@code total} is a floor. */
record Hits(long total, boolean exact) {

    /** Two indexes of the same blogs may stop counting at different places, but never disagree on an exact count. */
    boolean consistentWith(Hits other) {
        if (exact && other.exact) {
            return total == other.total;
        }
        if (exact) {
            return other.total <= total;
        }
        return !other.exact || total <= other.total;
    }

    @Override
    public String toString() {
        return (exact ? "" : "≥ ") + total;
    }
}
