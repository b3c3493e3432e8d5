package dev.outbox.blog.problem;

import jakarta.transaction.RollbackException;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are "the database is unreachable, retry" (503) rather than a bug (500). */
class ProblemMappersTest {

    @Test
    void aCommitTheServerEndedWhileShuttingDownIsUnreachable() {
        // As Narayana reports it: the driver's exception is suppressed by the RollbackException, not its cause.
        XAException commitFailed = new XAException("Error trying to transactionCommit local transaction");
        commitFailed.initCause(new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(commitFailed);

        assertThat(ProblemMappers.isDatabaseUnreachable(new IllegalStateException("invoking", rollback))).isTrue();
        assertThat(ProblemMappers.wasCommitting(new IllegalStateException("invoking", rollback)))
                .as("the commit may have gone through: outcome unknown").isTrue();
    }

    @Test
    void connectionFailuresAndAServerStartingUpAreUnreachable() {
        assertThat(ProblemMappers.isDatabaseUnreachable(new RuntimeException(
                new SQLException("Connection refused", "08001")))).isTrue();
        assertThat(ProblemMappers.isDatabaseUnreachable(new RuntimeException(
                new SQLException("FATAL: the database system is starting up", "57P03")))).isTrue();
        assertThat(ProblemMappers.isDatabaseUnreachable(new RuntimeException(
                new SQLTransientConnectionException("Acquisition timeout")))).isTrue();
        assertThat(ProblemMappers.wasCommitting(new RuntimeException(new SQLException("Connection refused", "08001"))))
                .as("failed before committing: nothing written").isFalse();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(ProblemMappers.isDatabaseUnreachable(new RuntimeException(
                new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(ProblemMappers.isDatabaseUnreachable(new IllegalStateException("a bug"))).isFalse();
    }
}
