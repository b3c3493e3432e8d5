package dev.outbox.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalSettingsTest {

    @Test
    void runsOneRelayUnlessToldToRunAStandbyBesideIt() {
        assertThat(LocalSettings.parse(new String[0]).relays()).isEqualTo(1);

        LocalSettings two = LocalSettings.parse(new String[] {"--relays=2"});
        assertThat(two.relays()).isEqualTo(2);
        assertThat(two.secondRelayPort()).isEqualTo(8084);
        assertThat(LocalSettings.parse(new String[] {"--relays=2", "--second-relay-port=9084"}).secondRelayPort())
                .isEqualTo(9084);
    }

    @Test
    void refusesMoreRelaysThanOneActiveAndOneStandby() {
        assertThatThrownBy(() -> LocalSettings.parse(new String[] {"--relays=3"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--relays must be 1 or 2");
    }
}
