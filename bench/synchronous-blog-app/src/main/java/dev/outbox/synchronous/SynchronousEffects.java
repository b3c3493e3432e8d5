package dev.outbox.synchronous;

import dev.outbox.blog.outbox.OutboxEvent;
import dev.outbox.blog.outbox.OutboxWriter;
import dev.outbox.blog.publish.BlogDeleted;
import dev.outbox.blog.publish.BlogPublished;
import dev.outbox.blog.publish.BlogUpdated;
import dev.outbox.search.index.BlogChange;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.util.List;

/**
 * Takes the outbox's place in blog-app: where blog-app appends an event for the stream's consumers, this does their
 * work before the request answers, the synchronous way the seeds warn against. The author's {@code total_blogs}
 * changes in the request's transaction (analytics-consumer's effect) and the blog is indexed and committed by
 * search-indexer's own index code (search-indexer's effect); no outbox row is written. Everything else a request
 * does (token, validation, the blog row, the answer) is blog-app's unchanged code.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class SynchronousEffects extends OutboxWriter {

    @Inject
    EntityManager entityManager;

    @Inject
    GroupCommitIndex searchIndex;

    /**
     * The index first and the counter last: the counter's row lock serialises one author's publishes until commit,
     * so it is taken after the slow step, which is the best order the synchronous way can have. Indexing inside the
     * transaction means a failed index write fails the request and rolls it back; a commit that fails after the index
     * write leaves a document for a blog that does not exist, the dual write the outbox avoids.
     */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(OutboxEvent event) {
        Session session = entityManager.unwrap(Session.class);
        session.flush();
        BlogChange change = changeOf(event);
        searchIndex.index(change);
        long countDelta = switch (change.kind()) {
            case PUBLISHED -> 1;
            case UPDATED -> 0;
            case DELETED -> -1;
        };
        if (countDelta != 0) {
            // Plain JDBC on the transaction's connection, as blog-app's outbox append does, for the same reason.
            session.doWork(connection -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "update users set total_blogs = total_blogs + ? where id = ?")) {
                    update.setLong(1, countDelta);
                    update.setLong(2, change.authorId());
                    update.executeUpdate();
                }
            });
        }
    }

    /** The event as search-indexer reads it from the topic, built from the record instead of its JSON. */
    private static BlogChange changeOf(OutboxEvent event) {
        if (event instanceof BlogPublished published) {
            return new BlogChange(published.eventId(), BlogChange.Kind.PUBLISHED, published.blogId(),
                    published.authorId(), published.version(), published.title(), published.body(), published.tags());
        }
        if (event instanceof BlogUpdated updated) {
            return new BlogChange(updated.eventId(), BlogChange.Kind.UPDATED, updated.blogId(), updated.authorId(),
                    updated.version(), updated.title(), updated.body(), updated.tags());
        }
        if (event instanceof BlogDeleted deleted) {
            return new BlogChange(deleted.eventId(), BlogChange.Kind.DELETED, deleted.blogId(), deleted.authorId(),
                    deleted.version(), null, null, List.of());
        }
        throw new IllegalArgumentException("No synchronous effect for event type " + event.eventType());
    }
}
