package dev.outbox.service.operator;

import dev.outbox.service.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OperatorTokenTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final OperatorToken.Guard GUARD = new OperatorToken.Guard("demo.operator-token",
            "DEMO_OPERATOR_TOKEN", "/demo", "touch the demo", "demo-operator");

    @Test
    void acceptsTheConfiguredTokenAsABearerToken() {
        OperatorToken operator = new OperatorToken(Optional.of(TOKEN), GUARD);

        assertThatCode(() -> operator.require("Bearer " + TOKEN)).doesNotThrowAnyException();
        assertThatCode(() -> operator.require("bearer " + TOKEN)).doesNotThrowAnyException();
        assertThatCode(() -> operator.require("Bearer  " + TOKEN + " ")).doesNotThrowAnyException();
    }

    @Test
    void refusesAMissingOrWrongTokenAsUnauthenticatedWithABearerChallenge() {
        OperatorToken operator = new OperatorToken(Optional.of(TOKEN), GUARD);

        for (String authorization : new String[] {null, "", "Basic " + TOKEN, "Bearer", "Bearer " + TOKEN + "0",
                "Bearer " + TOKEN.substring(1), "Bearer " + TOKEN.toUpperCase()}) {
            ProblemException refused = catchThrowableOfType(ProblemException.class,
                    () -> operator.require(authorization));
            assertThat(refused).as(authorization).isNotNull();
            assertThat(refused.problem().status()).isEqualTo(401);
            assertThat(refused.problem().type()).isEqualTo("/problems/unauthenticated");
            assertThat(refused.problem().title()).isEqualTo("The operator token is required");
            assertThat(refused.headers().get("WWW-Authenticate")).startsWith("Bearer realm=\"demo-operator\"");
        }
    }

    @Test
    void tellsAWrongTokenFromAMissingOneInTheChallenge() {
        OperatorToken operator = new OperatorToken(Optional.of(TOKEN), GUARD);

        assertThat(catchThrowableOfType(ProblemException.class, () -> operator.require(null)).headers())
                .containsEntry("WWW-Authenticate", "Bearer realm=\"demo-operator\"");
        assertThat(catchThrowableOfType(ProblemException.class, () -> operator.require("Bearer wrong")).headers())
                .containsEntry("WWW-Authenticate", "Bearer realm=\"demo-operator\", error=\"invalid_token\"");
    }

    @Test
    void refusesEveryoneWhenNoTokenIsConfigured() {
        for (Optional<String> unset : List.of(Optional.<String>empty(), Optional.of("  "))) {
            OperatorToken operator = new OperatorToken(unset, GUARD);

            ProblemException refused = catchThrowableOfType(ProblemException.class,
                    () -> operator.require("Bearer " + TOKEN));
            assertThat(refused.problem().status()).isEqualTo(403);
            assertThat(refused.problem().type()).isEqualTo("/problems/forbidden");
            assertThat(refused.problem().detail()).isEqualTo("No operator token is configured (demo.operator-token, "
                    + "DEMO_OPERATOR_TOKEN), so no one may touch the demo.");
            assertThat(catchThrowableOfType(ProblemException.class, () -> operator.require(null)).problem().status())
                    .isEqualTo(403);
        }
    }

    @Test
    void refusesToStartWithAGuessableTokenNamingItsProperty() {
        assertThatThrownBy(() -> new OperatorToken(Optional.of("secret"), GUARD))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("demo.operator-token (DEMO_OPERATOR_TOKEN) must be at least "
                        + OperatorToken.MIN_LENGTH);
    }
}
