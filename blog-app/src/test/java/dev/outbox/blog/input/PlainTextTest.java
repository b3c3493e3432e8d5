package dev.outbox.blog.input;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlainTextTest {

    @Test
    void acceptsOrdinaryTextInAnyScript() {
        assertThat(PlainText.problemIn("Grüße, 世界 🚀 ‏עברית", false)).isEmpty();
    }

    @Test
    void namesTheFirstControlCharacterAndWhereItIs() {
        assertThat(PlainText.problemIn("ab\u0000c\u0007", false))
                .hasValue("must not contain control characters (U+0000 at character 3)");
        assertThat(PlainText.problemIn("x\u0085", false)).hasValueSatisfying(reason -> assertThat(reason).contains("U+0085"));
        assertThat(PlainText.problemIn("\u007f", false)).isPresent();
    }

    @Test
    void allowsTabNewlineAndCarriageReturnOnlyInMultilineText() {
        assertThat(PlainText.problemIn("one\ttwo\r\nthree", true)).isEmpty();
        assertThat(PlainText.problemIn("one\ttwo", false)).isPresent();
        assertThat(PlainText.problemIn("one\u000bvertical tab", true)).isPresent();
    }

    @Test
    void refusesLoneSurrogatesButNotPairs() {
        assertThat(PlainText.problemIn("\ud83d\ude80", false)).isEmpty();
        assertThat(PlainText.problemIn("a\ud800", false))
                .hasValue("must be valid Unicode (a lone surrogate U+D800 at character 2)");
        assertThat(PlainText.problemIn("\udc00a", false)).isPresent();
    }

    @Test
    void treatsWhitespaceAndFormatCharactersAsInvisible() {
        assertThat(PlainText.isInvisible("")).isTrue();
        assertThat(PlainText.isInvisible(" \u00a0\u2007\u202f\u3000")).isTrue();
        assertThat(PlainText.isInvisible("\u200b\u200c\u200d\u2060\ufeff\u00ad")).isTrue();
        assertThat(PlainText.isInvisible("\u3164\u115f\u2800")).isTrue();
        assertThat(PlainText.isInvisible("\u200bx")).isFalse();
        assertThat(PlainText.isInvisible("\ud83d\ude80")).isFalse();
    }
}
