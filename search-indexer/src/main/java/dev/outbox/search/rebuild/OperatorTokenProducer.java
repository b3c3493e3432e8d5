package dev.outbox.search.rebuild;

import dev.outbox.search.SearchConfig;
import dev.outbox.service.operator.OperatorToken;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The token guarding the operator endpoints that change state ({@code search.operator.token}), made at start so a
 * guessable one stops the member.
 */
class OperatorTokenProducer {

    @Produces
    @Startup
    @Singleton
    OperatorToken operatorToken(SearchConfig config) {
        return new OperatorToken(config.operator().token(), new OperatorToken.Guard("search.operator.token",
                "SEARCH_OPERATOR_TOKEN", "POST /index/rebuild", "change the index", "search-operator"));
    }
}
