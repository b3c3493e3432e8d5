package dev.outbox.blog.user;

import dev.outbox.blog.problem.Problem.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The body of {@code POST /users}. */
public record NewUser(String handle, String displayName) {

    private static final Pattern HANDLE = Pattern.compile("[a-z0-9_]{3,30}");
    private static final int MAX_DISPLAY_NAME = 100;

    List<FieldError> violations() {
        List<FieldError> errors = new ArrayList<>();
        if (handle == null || handle.isBlank()) {
            errors.add(new FieldError("handle", "is required"));
        } else if (!HANDLE.matcher(handle).matches()) {
            errors.add(new FieldError("handle", "must be 3 to 30 characters of a-z, 0-9 or _"));
        }
        if (displayName == null || displayName.isBlank()) {
            errors.add(new FieldError("display_name", "is required"));
        } else if (displayName.length() > MAX_DISPLAY_NAME) {
            errors.add(new FieldError("display_name", "must be at most " + MAX_DISPLAY_NAME + " characters"));
        }
        return errors;
    }
}
