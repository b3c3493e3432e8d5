package dev.outbox.bench.analytics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A reproducible mix of blog events over a fixed set of authors (80 % BlogPublished, 12 % BlogUpdated, 8 % BlogDeleted
 * of a live blog), and the {@code total_blogs} every author must end with once all of them are applied.
 */
final class BlogEventStream {

    enum Kind {
        PUBLISHED("BlogPublished"), UPDATED("BlogUpdated"), DELETED("BlogDeleted");

        final String eventType;

        Kind(String eventType) {
            this.eventType = eventType;
        }
    }

    record Event(UUID id, Kind kind, long blogId, long authorId) {
    }

    private record Blog(long id, long authorId) {
    }

    private final SplittableRandom random;
    private final int authors;
    private final List<Blog> live = new ArrayList<>();
    private final Map<Long, Long> totals = new HashMap<>();
    private long nextBlogId;

    /** Authors are 1..authors; blog ids start at {@code firstBlogId}, so two streams never share a blog. */
    BlogEventStream(long seed, int authors, long firstBlogId) {
        this.random = new SplittableRandom(seed);
        this.authors = authors;
        this.nextBlogId = firstBlogId;
    }

    Event next() {
        int dice = random.nextInt(100);
        if (dice < 80 || live.isEmpty()) {
            return publish(1 + random.nextInt(authors), true);
        }
        int index = random.nextInt(live.size());
        Blog blog = live.get(index);
        if (dice < 92) {
            return new Event(newId(), Kind.UPDATED, blog.id(), blog.authorId());
        }
        // Swap-remove: the order of the live list does not matter.
        live.set(index, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        totals.merge(blog.authorId(), -1L, Long::sum);
        return new Event(newId(), Kind.DELETED, blog.id(), blog.authorId());
    }

    /** A BlogPublished for {@code authorId} that no later event of this stream updates or deletes. */
    Event publishPinned(long authorId) {
        return publish(authorId, false);
    }

    List<Event> take(int count) {
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(next());
        }
        return events;
    }

    /** Every author's expected {@code total_blogs} for the events handed out so far; absent means 0. */
    Map<Long, Long> totals() {
        return Map.copyOf(totals);
    }

    private Event publish(long authorId, boolean mutable) {
        Blog blog = new Blog(nextBlogId++, authorId);
        if (mutable) {
            live.add(blog);
        }
        totals.merge(authorId, 1L, Long::sum);
        return new Event(newId(), Kind.PUBLISHED, blog.id(), authorId);
    }

    /** A version-4 UUID from this stream's random source, so a rerun produces the same ids. */
    private UUID newId() {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
