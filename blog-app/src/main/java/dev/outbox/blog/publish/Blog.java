package dev.outbox.blog.publish;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A blog post. {@code version} starts at 1 and grows by one with every change; it travels in every
 * event so that consumers can ignore an event older than what they already applied.
 */
@Entity
@Table(name = "blogs")
public class Blog extends PanacheEntityBase {

    public enum Status { PUBLISHED, DELETED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "author_id")
    public long authorId;

    public String title;

    public String body;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> tags;

    @Enumerated(EnumType.STRING)
    public Status status;

    public long version;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<Blog> findPublished(long id) {
        return Blog.<Blog>findByIdOptional(id).filter(Blog::isPublished);
    }

    /**
     * Row-locks the blog so concurrent changes serialise: versions then grow strictly in commit order,
     * which is also the order their events take in the WAL.
     */
    public static Optional<Blog> lockPublished(long id) {
        return Blog.<Blog>findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE).filter(Blog::isPublished);
    }

    public boolean isPublished() {
        return status == Status.PUBLISHED;
    }
}
