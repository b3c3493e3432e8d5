package dev.outbox.blog.publish;

import dev.outbox.blog.problem.BlogProblems;
import dev.outbox.blog.problem.FieldError;
import dev.outbox.blog.problem.ProblemType;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Remembers which blog each {@code Idempotency-Key} published, per author, so a client retry gets
 * the first answer instead of a second blog. The key is claimed in the publishing transaction:
 * a concurrent retry blocks on the claim and then sees the committed result.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    @ConfigMapping(prefix = "blog.idempotency")
    public interface Settings {
        /** How long a key is remembered; a retry after that publishes again. */
        @WithDefault("24h")
        Duration retention();
    }

    @Inject
    EntityManager em;

    @Inject
    Settings settings;

    public static void requireWellFormed(String key) {
        if (!KEY.matcher(key).matches()) {
            throw BlogProblems.invalid(List.of(new FieldError("Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters")));
        }
    }

    /**
     * Claims the key for this request. Returns the blog published earlier under the same key, or
     * empty when this request is the first and should publish.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Long> claim(long authorId, String key, byte[] requestFingerprint) {
        int claimed = em.createNativeQuery("""
                        insert into idempotency_keys (author_id, idempotency_key, request_hash)
                        values (?1, ?2, ?3) on conflict do nothing""")
                .setParameter(1, authorId)
                .setParameter(2, key)
                .setParameter(3, requestFingerprint)
                .executeUpdate();
        if (claimed == 1) {
            return Optional.empty();
        }
        Object[] earlier = (Object[]) em.createNativeQuery("""
                        select request_hash, blog_id from idempotency_keys
                        where author_id = ?1 and idempotency_key = ?2""")
                .setParameter(1, authorId)
                .setParameter(2, key)
                .getSingleResult();
        if (!Arrays.equals((byte[]) earlier[0], requestFingerprint)) {
            throw ProblemType.IDEMPOTENCY_KEY_REUSED.exception(422,
                    "This Idempotency-Key was used for a request with a different body; use a new key.");
        }
        return Optional.of(((Number) earlier[1]).longValue());
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(long authorId, String key, long blogId) {
        em.createNativeQuery("update idempotency_keys set blog_id = ?3 where author_id = ?1 and idempotency_key = ?2")
                .setParameter(1, authorId)
                .setParameter(2, key)
                .setParameter(3, blogId)
                .executeUpdate();
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void forgetExpired() {
        int forgotten = em.createNativeQuery("delete from idempotency_keys where created_at < ?1")
                .setParameter(1, Timestamp.from(Instant.now().minus(settings.retention())))
                .executeUpdate();
        if (forgotten > 0) {
            LOG.infof("Forgot %d idempotency keys older than %s", forgotten, settings.retention());
        }
    }
}
