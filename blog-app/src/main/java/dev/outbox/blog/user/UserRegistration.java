package dev.outbox.blog.user;

import dev.outbox.blog.auth.ApiTokens;
import dev.outbox.blog.problem.BlogProblems;
import dev.outbox.blog.problem.FieldError;
import dev.outbox.blog.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Creates a user and their first API token in one transaction. */
@ApplicationScoped
public class UserRegistration {

    @Inject
    ApiTokens tokens;

    @Transactional
    public RegisteredUser register(NewUser request) {
        List<FieldError> violations = request.violations();
        if (!violations.isEmpty()) {
            throw BlogProblems.invalid(violations);
        }
        if (User.handleTaken(request.handle())) {
            throw ProblemType.CONFLICT.exception(409,
                    "The handle '" + request.handle() + "' is taken.");
        }
        User user = new User();
        user.handle = request.handle();
        user.displayName = request.displayName().strip();
        user.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        user.persistAndFlush();
        String token = tokens.issue(user.id);
        return new RegisteredUser(user.id, user.handle, user.displayName, 0, user.createdAt, token);
    }
}
