package dev.outbox.blog.publish;

import java.util.List;

/** The answer to {@code POST /blogs/import}: the published blogs, in the order of the drafts. */
public record ImportedBlogs(List<BlogView> blogs) {
}
