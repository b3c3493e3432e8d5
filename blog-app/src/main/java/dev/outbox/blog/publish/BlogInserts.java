package dev.outbox.blog.publish;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Inserts a new blog with one statement on the transaction's own connection and gives it its id. A publish is the hot
 * path: Hibernate's persist of a new entity (persistence context, action queue, identity insert, array binding) cost
 * more than the statement itself in blog-app's profile (docs/benchmarks.md, "Publish path: profile"). Reads,
 * updates and deletes keep going through the {@link Blog} entity.
 */
@ApplicationScoped
class BlogInserts {

    private static final String INSERT = """
            insert into blogs (author_id, title, body, tags, status, version, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?, ?) returning id""";

    @Inject
    EntityManager em;

    /** MANDATORY: the blog is inserted in the transaction that appends its event, or not at all. */
    @Transactional(Transactional.TxType.MANDATORY)
    void insert(Blog blog) {
        blog.id = em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setLong(1, blog.authorId);
                insert.setString(2, blog.title);
                insert.setString(3, blog.body);
                insert.setArray(4, connection.createArrayOf("text", blog.tags.toArray()));
                insert.setString(5, blog.status.name());
                insert.setLong(6, blog.version);
                insert.setObject(7, utc(blog.createdAt));
                insert.setObject(8, utc(blog.updatedAt));
                try (ResultSet id = insert.executeQuery()) {
                    id.next();
                    return id.getLong(1);
                }
            }
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
