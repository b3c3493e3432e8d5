package dev.outbox.bench.search;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Words drawn by rank with probability proportional to 1 / rank, as in natural language: a few common, most rare. */
final class Zipf {

    private final List<String> ranked;
    private final double[] cumulative;

    /** {@code ranked} most common first. */
    Zipf(List<String> ranked) {
        this.ranked = List.copyOf(ranked);
        this.cumulative = new double[ranked.size()];
        double sum = 0;
        for (int rank = 1; rank <= ranked.size(); rank++) {
            sum += 1.0 / rank;
            cumulative[rank - 1] = sum;
        }
    }

    String draw(SplittableRandom random) {
        int index = Arrays.binarySearch(cumulative, random.nextDouble(cumulative[cumulative.length - 1]));
        return ranked.get(index >= 0 ? index : -index - 1);
    }

    /** The word of rank {@code rank}, 1 being the most common. */
    String atRank(int rank) {
        return ranked.get(rank - 1);
    }

    int size() {
        return ranked.size();
    }
}
