package dev.outbox.bench.kafka;

import java.util.List;

/** The words a BlogPublished or BlogUpdated carries; plain words only, so none needs escaping in JSON. */
public record BlogText(String title, String body, List<String> tags) {

    /** Makes up the text of each blog version a benchmark writes. */
    @FunctionalInterface
    public interface Source {
        BlogText of(BlogEventStream.Event event);
    }
}
