package dev.outbox.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ./run-local}'s command line. */
class LocalSettingsTest {

    @Test
    void runsOneRelayUnlessToldToRunAStandbyBesideIt() {
        assertThat(LocalSettings.parse(new String[0]).relays()).isEqualTo(1);

        LocalSettings two = LocalSettings.parse(new String[] {"--relays=2"});
        assertThat(two.relays()).isEqualTo(2);
        // Not 8084: that is the second search member's with --search=opensearch.
        assertThat(two.secondRelayPort()).isEqualTo(8085);
        assertThat(LocalSettings.parse(new String[] {"--relays=2", "--second-relay-port=9084"}).secondRelayPort())
                .isEqualTo(9084);
    }

    @Test
    void refusesMoreRelaysThanOneActiveAndOneStandby() {
        assertThatThrownBy(() -> LocalSettings.parse(new String[] {"--relays=3"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--relays must be 1 or 2");
    }

    @Test
    void searchesOnALocalLuceneIndexUnlessToldOpenSearch() {
        assertThat(LocalSettings.parse(new String[0]).search()).isEqualTo(LocalSettings.Search.LUCENE);

        LocalSettings openSearch = LocalSettings.parse(new String[] {"--search=opensearch", "--opensearch-port=19201"});

        assertThat(openSearch.search()).isEqualTo(LocalSettings.Search.OPENSEARCH);
        assertThat(openSearch.openSearchPort()).isEqualTo(19201);
        assertThat(LocalSettings.parse(new String[] {"--search=opensearch"}).openSearchPort()).isEqualTo(19200);
    }

    @Test
    void runsTheServicesUnlessAskedForTheInfrastructureOnly() {
        assertThat(LocalSettings.parse(new String[0]).infraOnly()).isFalse();
        assertThat(LocalSettings.parse(new String[] {"--infra-only"}).infraOnly()).isTrue();
    }

    @Test
    void refusesABackendItDoesNotKnowNamingTheOnesItDoes() {
        assertThatThrownBy(() -> LocalSettings.parse(new String[] {"--search=elasticsearch"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--search must be lucene or opensearch, not 'elasticsearch'")
                .hasMessageContaining("Usage:");
    }
}
