package dev.outbox.blog.publish;

import java.util.List;

/** The body of {@code POST /blogs/import}: drafts published together, in one transaction. */
public record BlogImport(List<BlogDraft> blogs) {
}
