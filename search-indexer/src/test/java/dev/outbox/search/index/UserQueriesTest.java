package dev.outbox.search.index;

import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserQueriesTest {

    private final EnglishAnalyzer analyzer = new EnglishAnalyzer();

    @ParameterizedTest
    @ValueSource(strings = {"kafka", "outbox relay", "\"transactional outbox\"", "kafka AND NOT rabbit",
            "title:kafka body:relay", "outb*", "kafak~1", "(kafka OR pulsar) +stream", "*:*", "C++ \\(escaped\\)",
            "kafka^2", "(kafka OR relay)^3 outbox", "title:kafka^2.5~1 relay", "\"a^1e40 b\"", "kafka~2 relay~1 outb* debez*"})
    void acceptsWhatAUserWouldType(String text) {
        assertThat(UserQueries.parse(text, analyzer)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka AND", "(unbalanced", "\"unclosed phrase", "title:", "AND OR", ")", "[a TO"})
    void refusesMalformedQueriesWithTheParsersReason(String text) {
        assertThatThrownBy(() -> UserQueries.parse(text, analyzer))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageStartingWith("Cannot parse")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.*a.*b.*c.*/", "[a TO z]", "{a TO z}", "k*fka", "*kafka", "?afka", "k*", "author:1"})
    void refusesExpensiveOrUnknownConstructs(String text) {
        assertThatThrownBy(() -> UserQueries.parse(text, analyzer)).isInstanceOf(InvalidQueryException.class);
    }

    @Test
    void refusesUnknownFieldsNamingThem() {
        assertThatThrownBy(() -> UserQueries.parse("password:secret", analyzer))
                .hasMessageContaining("'password' is not a searchable field");
    }

    @Test
    void refusesQueriesOverTheLengthOrTermLimit() {
        assertThatThrownBy(() -> UserQueries.parse("a".repeat(UserQueries.MAX_LENGTH + 1), analyzer))
                .hasMessageContaining("limit is " + UserQueries.MAX_LENGTH);
        String wide = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20";
        assertThatThrownBy(() -> UserQueries.parse(wide, analyzer))
                .hasMessageContaining("limit is " + UserQueries.MAX_TERMS);
    }
}
