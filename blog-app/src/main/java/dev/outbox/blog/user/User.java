package dev.outbox.blog.user;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An author. {@code totalBlogs} is written only by analytics-consumer; this app only reads it. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String handle;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "total_blogs", insertable = false, updatable = false)
    public long totalBlogs;

    @Column(name = "created_at")
    public Instant createdAt;

    public static boolean handleTaken(String handle) {
        return count("handle", handle) > 0;
    }
}
