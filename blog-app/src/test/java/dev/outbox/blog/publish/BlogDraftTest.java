package dev.outbox.blog.publish;

import dev.outbox.blog.problem.FieldError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BlogDraftTest {

    private static final BlogLimits LIMITS = new BlogLimits() {
        public int maxTitleLength() { return 10; }
        public int maxBodyLength() { return 20; }
        public int maxTags() { return 2; }
        public int maxTagLength() { return 5; }
        public int maxImportBlogs() { return 3; }
    };

    @Test
    void acceptsADraftWithinEveryLimit() {
        assertThat(new BlogDraft("Title", "Body", List.of("java")).violations(LIMITS)).isEmpty();
    }

    @Test
    void namesEachMissingField() {
        assertThat(new BlogDraft(null, " ", null).violations(LIMITS))
                .extracting(FieldError::field)
                .containsExactly("title", "body");
    }

    @Test
    void refusesTitleAndBodyOverTheirLimits() {
        List<FieldError> errors = new BlogDraft("x".repeat(11), "y".repeat(21), List.of()).violations(LIMITS);

        assertThat(errors).extracting(FieldError::field).containsExactly("title", "body");
        assertThat(errors.get(1).reason()).contains("20");
    }

    @Test
    void pointsAtTheOffendingTag() {
        List<FieldError> errors = new BlogDraft("T", "B", Arrays.asList("ok", "not ok")).violations(LIMITS);

        assertThat(errors).extracting(FieldError::field).containsExactly("tags[1]");
    }

    @Test
    void refusesTooManyTagsAndNullTags() {
        List<FieldError> errors = new BlogDraft("T", "B", Arrays.asList("a", "b", null)).violations(LIMITS);

        assertThat(errors).extracting(FieldError::field).containsExactly("tags", "tags[2]");
    }

    @Test
    void normalisesTitleAndTagsButNotTheBody() {
        BlogDraft draft = new BlogDraft("  Hello ", "  body ", List.of("Java", "java", " Kafka ")).normalised();

        assertThat(draft.title()).isEqualTo("Hello");
        assertThat(draft.body()).isEqualTo("  body ");
        assertThat(draft.tags()).containsExactly("java", "kafka");
    }

    @Test
    void fingerprintsDifferentDraftsDifferently() {
        BlogDraft one = new BlogDraft("ab", "c", List.of());
        BlogDraft other = new BlogDraft("a", "bc", List.of());

        assertThat(one.fingerprint()).isNotEqualTo(other.fingerprint());
        assertThat(one.fingerprint()).isEqualTo(new BlogDraft("ab", "c", List.of()).fingerprint());
    }

    @Test
    void refusesControlCharactersInTitleBodyAndTagsNamingEach() {
        List<FieldError> errors = new BlogDraft("a\u0000b", "c\u0085", List.of("ok", "\u001cjava")).violations(LIMITS);

        assertThat(errors).extracting(FieldError::field).containsExactly("title", "body", "tags[1]");
        assertThat(errors).extracting(FieldError::reason).allMatch(reason -> reason.contains("control character"));
    }

    @Test
    void letsTheBodyAloneHoldTabsAndLineBreaks() {
        assertThat(new BlogDraft("T", "a\tb\r\nc", List.of()).violations(LIMITS)).isEmpty();
        assertThat(new BlogDraft("T\tU", "B", List.of("java\n")).violations(LIMITS))
                .extracting(FieldError::field).containsExactly("title", "tags[0]");
    }

    @Test
    void refusesLoneSurrogates() {
        assertThat(new BlogDraft("\ud800", "x\udfff", List.of()).violations(LIMITS))
                .extracting(FieldError::field).containsExactly("title", "body");
    }

    @Test
    void aTitleOfInvisibleCharactersIsRequired() {
        assertThat(new BlogDraft("\u00a0\u200b\ufeff", "B", List.of()).violations(LIMITS))
                .containsExactly(new FieldError("title", "is required"));
    }
}
