package dev.outbox.blog.publish;

import dev.outbox.blog.outbox.OutboxWriter;
import dev.outbox.blog.problem.BlogProblems;
import dev.outbox.blog.problem.FieldError;
import dev.outbox.blog.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The write side of blogs. Each change writes the blog row and its event to the outbox in one
 * transaction and does nothing else: counting and indexing are delegated to the stream's consumers.
 */
@ApplicationScoped
public class BlogPublishing {

    /** The outcome of a publish: the blog, and whether it was replayed for an Idempotency-Key retry. */
    public record Published(BlogView blog, boolean replayed) {
    }

    @Inject
    OutboxWriter outbox;

    @Inject
    IdempotencyKeys idempotencyKeys;

    @Inject
    BlogLimits limits;

    @Inject
    BlogInserts inserts;

    @Transactional
    public Published publish(long authorId, BlogDraft request, Optional<String> idempotencyKey) {
        BlogDraft draft = validated(request);
        if (idempotencyKey.isPresent()) {
            Optional<Long> earlier = idempotencyKeys.claim(authorId, idempotencyKey.get(), draft.fingerprint());
            if (earlier.isPresent()) {
                return new Published(BlogView.of(Blog.findById(earlier.get())), true);
            }
        }
        Blog blog = persistWithEvent(authorId, draft, now());
        idempotencyKey.ifPresent(key -> idempotencyKeys.complete(authorId, key, blog.id));
        return new Published(BlogView.of(blog), false);
    }

    /** Publishes every draft in one transaction: all of them with their events, or nothing. */
    @Transactional
    public List<BlogView> importAll(long authorId, BlogImport request) {
        List<BlogDraft> drafts = validated(request);
        Instant now = now();
        List<BlogView> imported = new ArrayList<>(drafts.size());
        for (BlogDraft draft : drafts) {
            imported.add(BlogView.of(persistWithEvent(authorId, draft, now)));
        }
        return imported;
    }

    private Blog persistWithEvent(long authorId, BlogDraft draft, Instant now) {
        Blog blog = new Blog();
        blog.authorId = authorId;
        blog.title = draft.title();
        blog.body = draft.body();
        blog.tags = draft.tags();
        blog.status = Blog.Status.PUBLISHED;
        blog.version = 1;
        blog.createdAt = now;
        blog.updatedAt = now;
        inserts.insert(blog);
        outbox.append(BlogPublished.of(blog, now));
        return blog;
    }

    @Transactional
    public BlogView update(long authorId, long blogId, BlogDraft request, Optional<String> ifMatch) {
        BlogDraft draft = validated(request);
        Blog blog = lockOwnBlog(authorId, blogId, ifMatch);
        blog.title = draft.title();
        blog.body = draft.body();
        blog.tags = draft.tags();
        blog.version++;
        blog.updatedAt = now();
        outbox.append(BlogUpdated.of(blog, blog.updatedAt));
        return BlogView.of(blog);
    }

    @Transactional
    public void delete(long authorId, long blogId, Optional<String> ifMatch) {
        Blog blog = lockOwnBlog(authorId, blogId, ifMatch);
        blog.status = Blog.Status.DELETED;
        blog.version++;
        blog.updatedAt = now();
        outbox.append(BlogDeleted.of(blog, blog.updatedAt));
    }

    private List<BlogDraft> validated(BlogImport request) {
        List<BlogDraft> drafts = request == null || request.blogs() == null ? List.of() : request.blogs();
        if (drafts.isEmpty() || drafts.size() > limits.maxImportBlogs()) {
            throw BlogProblems.invalid(List.of(new FieldError("blogs",
                    "must hold 1 to " + limits.maxImportBlogs() + " blogs; split a larger import")));
        }
        List<FieldError> violations = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            String at = "blogs[" + i + "]";
            if (drafts.get(i) == null) {
                violations.add(new FieldError(at, "must be a JSON object with title and body"));
            } else {
                drafts.get(i).violations(limits).forEach(error -> violations.add(
                        new FieldError(at + "." + error.field(), error.reason())));
            }
        }
        if (!violations.isEmpty()) {
            throw BlogProblems.invalid(violations);
        }
        return drafts.stream().map(BlogDraft::normalised).toList();
    }

    private BlogDraft validated(BlogDraft request) {
        if (request == null) {
            throw BlogProblems.invalid(List.of(new FieldError("$", "a JSON object with title and body is required")));
        }
        List<FieldError> violations = request.violations(limits);
        if (!violations.isEmpty()) {
            throw BlogProblems.invalid(violations);
        }
        return request.normalised();
    }

    private static Blog lockOwnBlog(long authorId, long blogId, Optional<String> ifMatch) {
        Blog blog = Blog.lockPublished(blogId)
                .orElseThrow(() -> BlogProblems.notFound("No blog with id " + blogId + "."));
        if (blog.authorId != authorId) {
            throw ProblemType.FORBIDDEN.exception(403, "Only the author of blog " + blogId + " may change it.");
        }
        if (ifMatch.isPresent() && !BlogView.of(blog).matches(ifMatch.get())) {
            throw ProblemType.PRECONDITION_FAILED.exception(412,
                    "Blog " + blogId + " is at version " + blog.version + ", not " + ifMatch.get() + ".");
        }
        return blog;
    }

    /** Postgres keeps microseconds: truncating here makes the event's time equal the stored one. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
