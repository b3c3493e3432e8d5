package dev.outbox.blog.publish;

import dev.outbox.blog.input.PlainText;
import dev.outbox.blog.problem.FieldError;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The body of {@code POST /blogs} and {@code PUT /blogs/{id}}. */
public record BlogDraft(String title, String body, List<String> tags) {

    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** Every reason this draft cannot be published, field by field; empty when it is fine. */
    List<FieldError> violations(BlogLimits limits) {
        List<FieldError> errors = new ArrayList<>();
        titleProblem(limits).ifPresent(reason -> errors.add(new FieldError("title", reason)));
        bodyProblem(limits).ifPresent(reason -> errors.add(new FieldError("body", reason)));
        List<String> tagList = tags == null ? List.of() : tags;
        if (tagList.size() > limits.maxTags()) {
            errors.add(new FieldError("tags", "must hold at most " + limits.maxTags() + " tags"));
        }
        for (int i = 0; i < tagList.size(); i++) {
            String at = "tags[" + i + "]";
            tagProblem(tagList.get(i), limits).ifPresent(reason -> errors.add(new FieldError(at, reason)));
        }
        return errors;
    }

    /** A title that shows nothing (only spaces, zero-width or other invisible characters) is a missing one. */
    private Optional<String> titleProblem(BlogLimits limits) {
        if (title == null || PlainText.isInvisible(title)) {
            return Optional.of("is required");
        }
        return PlainText.problemIn(title, false).or(() -> title.strip().length() > limits.maxTitleLength()
                ? Optional.of("must be at most " + limits.maxTitleLength() + " characters") : Optional.empty());
    }

    private Optional<String> bodyProblem(BlogLimits limits) {
        if (body == null || body.isBlank()) {
            return Optional.of("is required");
        }
        return PlainText.problemIn(body, true).or(() -> body.length() > limits.maxBodyLength()
                ? Optional.of("must be at most " + limits.maxBodyLength() + " characters") : Optional.empty());
    }

    /** Checked before stripping: strip() would quietly remove the control characters U+001C to U+001F. */
    private static Optional<String> tagProblem(String tag, BlogLimits limits) {
        String rule = "must be 1 to " + limits.maxTagLength()
                + " characters of a-z, 0-9 or -, starting with a letter or digit";
        if (tag == null) {
            return Optional.of(rule);
        }
        return PlainText.problemIn(tag, false).or(() -> {
            String clean = tag.strip().toLowerCase(Locale.ROOT);
            return clean.length() > limits.maxTagLength() || !TAG.matcher(clean).matches()
                    ? Optional.of(rule) : Optional.empty();
        });
    }

    /** The draft as stored: title trimmed, tags lower-cased and de-duplicated in their given order. */
    BlogDraft normalised() {
        List<String> cleanTags = tags == null ? List.of()
                : List.copyOf(new LinkedHashSet<>(tags.stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).toList()));
        return new BlogDraft(title.strip(), body, cleanTags);
    }

    /** Fingerprint of the request, to tell an Idempotency-Key retry from a reuse of the key. */
    byte[] fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(title, body, String.join("\u0000", tags))) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0x1F);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
