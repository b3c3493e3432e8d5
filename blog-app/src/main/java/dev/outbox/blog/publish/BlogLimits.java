package dev.outbox.blog.publish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What a blog may contain; a request over a limit is refused with a field-level problem. */
@ConfigMapping(prefix = "blog.limits")
public interface BlogLimits {

    @WithDefault("200")
    int maxTitleLength();

    /** Characters, not bytes: a post is also an event on the stream, so keep it well under a Kafka message. */
    @WithDefault("100000")
    int maxBodyLength();

    @WithDefault("10")
    int maxTags();

    @WithDefault("32")
    int maxTagLength();

    /** Blogs in one {@code POST /blogs/import}: one transaction, so one burst of events for the relay. */
    @WithDefault("500")
    int maxImportBlogs();
}
