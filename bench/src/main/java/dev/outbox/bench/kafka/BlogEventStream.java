package dev.outbox.bench.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A reproducible mix of blog events over a fixed set of authors (BlogPublished, BlogUpdated or BlogDeleted of a live
 * blog, in the shares of a {@link Mix}), each carrying the blog's next version, and the {@code total_blogs} every
 * author must end with once all of them are applied.
 */
public final class BlogEventStream {

    public enum Kind {
        PUBLISHED("BlogPublished"), UPDATED("BlogUpdated"), DELETED("BlogDeleted");

        public final String eventType;

        Kind(String eventType) {
            this.eventType = eventType;
        }
    }

    public record Event(UUID id, Kind kind, long blogId, long authorId, long version) {
    }

    /** Percentages of BlogPublished and BlogUpdated; BlogDeleted takes the rest. */
    public record Mix(int publishPercent, int updatePercent) {

        public Mix {
            if (publishPercent < 0 || updatePercent < 0 || publishPercent + updatePercent > 100) {
                throw new IllegalArgumentException("Shares of " + publishPercent + " % and " + updatePercent
                        + " % do not fit in 100 %");
            }
        }

        public int deletePercent() {
            return 100 - publishPercent - updatePercent;
        }
    }

    private record Blog(long id, long authorId, long version) {
    }

    private final SplittableRandom random;
    private final int authors;
    private final Mix mix;
    private final List<Blog> live = new ArrayList<>();
    private final Map<Long, Long> totals = new HashMap<>();
    private long nextBlogId;

    /** Authors are 1..authors; blog ids start at {@code firstBlogId}, so two streams never share a blog. */
    public BlogEventStream(long seed, int authors, long firstBlogId, Mix mix) {
        this.random = new SplittableRandom(seed);
        this.authors = authors;
        this.mix = mix;
        this.nextBlogId = firstBlogId;
    }

    public Event next() {
        int dice = random.nextInt(100);
        if (dice < mix.publishPercent() || live.isEmpty()) {
            return publish(1 + random.nextInt(authors), true);
        }
        int index = random.nextInt(live.size());
        Blog blog = live.get(index);
        if (dice < mix.publishPercent() + mix.updatePercent()) {
            live.set(index, new Blog(blog.id(), blog.authorId(), blog.version() + 1));
            return new Event(newId(), Kind.UPDATED, blog.id(), blog.authorId(), blog.version() + 1);
        }
        // Swap-remove: the order of the live list does not matter.
        live.set(index, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        totals.merge(blog.authorId(), -1L, Long::sum);
        return new Event(newId(), Kind.DELETED, blog.id(), blog.authorId(), blog.version() + 1);
    }

    /** A BlogPublished for {@code authorId} that no later event of this stream updates or deletes. */
    public Event publishPinned(long authorId) {
        return publish(authorId, false);
    }

    public List<Event> take(int count) {
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(next());
        }
        return events;
    }

    /** Every author's expected {@code total_blogs} for the events handed out so far; absent means 0. */
    public Map<Long, Long> totals() {
        return Map.copyOf(totals);
    }

    private Event publish(long authorId, boolean mutable) {
        Blog blog = new Blog(nextBlogId++, authorId, 1);
        if (mutable) {
            live.add(blog);
        }
        totals.merge(authorId, 1L, Long::sum);
        return new Event(newId(), Kind.PUBLISHED, blog.id(), authorId, blog.version());
    }

    /** A version-4 UUID from this stream's random source, so a rerun produces the same ids. */
    private UUID newId() {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
