package dev.outbox.search.rebuild;

import dev.outbox.search.SearchConfig;
import dev.outbox.search.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OperatorTokenTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Test
    void acceptsTheConfiguredTokenAsABearerToken() {
        OperatorToken operator = new OperatorToken(configured(Optional.of(TOKEN)));

        assertThatCode(() -> operator.require("Bearer " + TOKEN)).doesNotThrowAnyException();
        assertThatCode(() -> operator.require("bearer " + TOKEN)).doesNotThrowAnyException();
    }

    @Test
    void refusesAMissingOrWrongTokenAsUnauthenticatedWithABearerChallenge() {
        OperatorToken operator = new OperatorToken(configured(Optional.of(TOKEN)));

        for (String authorization : new String[] {null, "", "Basic " + TOKEN, "Bearer", "Bearer " + TOKEN + "0",
                "Bearer " + TOKEN.substring(1), "Bearer " + TOKEN.toUpperCase()}) {
            ProblemException refused = catchThrowableOfType(ProblemException.class,
                    () -> operator.require(authorization));
            assertThat(refused).as(authorization).isNotNull();
            assertThat(refused.problem().status()).isEqualTo(401);
            assertThat(refused.problem().type()).isEqualTo("/problems/unauthenticated");
            assertThat(refused.headers().get("WWW-Authenticate")).startsWith("Bearer realm=");
        }
    }

    @Test
    void refusesEveryoneWhenNoTokenIsConfigured() {
        for (Optional<String> unset : List.of(Optional.<String>empty(), Optional.of("  "))) {
            OperatorToken operator = new OperatorToken(configured(unset));

            ProblemException refused = catchThrowableOfType(ProblemException.class,
                    () -> operator.require("Bearer " + TOKEN));
            assertThat(refused.problem().status()).isEqualTo(403);
            assertThat(refused.problem().type()).isEqualTo("/problems/forbidden");
            assertThat(catchThrowableOfType(ProblemException.class, () -> operator.require(null)).problem().status())
                    .isEqualTo(403);
        }
    }

    @Test
    void refusesToStartWithAGuessableToken() {
        assertThatThrownBy(() -> new OperatorToken(configured(Optional.of("secret"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least " + OperatorToken.MIN_LENGTH);
    }

    /** Only {@code operator()} is read. */
    private static SearchConfig configured(Optional<String> token) {
        SearchConfig.Operator operator = () -> token;
        return (SearchConfig) Proxy.newProxyInstance(SearchConfig.class.getClassLoader(),
                new Class<?>[] {SearchConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("operator")) {
                        return operator;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
