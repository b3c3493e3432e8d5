package dev.outbox.blog.user;

import dev.outbox.blog.input.PlainText;
import dev.outbox.blog.problem.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The body of {@code POST /users}. */
public record NewUser(String handle, String displayName) {

    private static final Pattern HANDLE = Pattern.compile("[a-z0-9_]{3,30}");
    private static final int MAX_DISPLAY_NAME = 100;

    List<FieldError> violations() {
        List<FieldError> errors = new ArrayList<>();
        handleProblem().ifPresent(reason -> errors.add(new FieldError("handle", reason)));
        displayNameProblem().ifPresent(reason -> errors.add(new FieldError("display_name", reason)));
        return errors;
    }

    private Optional<String> handleProblem() {
        if (handle == null || handle.isBlank()) {
            return Optional.of("is required");
        }
        return PlainText.problemIn(handle, false).or(() -> HANDLE.matcher(handle).matches()
                ? Optional.empty() : Optional.of("must be 3 to 30 characters of a-z, 0-9 or _"));
    }

    /** A name that shows nothing (only spaces, zero-width or other invisible characters) is a missing one. */
    private Optional<String> displayNameProblem() {
        if (displayName == null || PlainText.isInvisible(displayName)) {
            return Optional.of("is required");
        }
        return PlainText.problemIn(displayName, false).or(() -> displayName.length() > MAX_DISPLAY_NAME
                ? Optional.of("must be at most " + MAX_DISPLAY_NAME + " characters") : Optional.empty());
    }
}
