package dev.outbox.blog.outbox;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

    @Test
    void isAVersion7RfcVariantUuid() {
        UUID id = EventIds.next();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void carriesItsMillisecondTimestampInTheTop48Bits() {
        long millis = 1_790_000_000_123L;

        assertThat(EventIds.at(millis).getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void sortsByCreationTimeAcrossMilliseconds() {
        UUID earlier = EventIds.at(1_000);
        UUID later = EventIds.at(1_001);

        assertThat(earlier.toString()).isLessThan(later.toString());
    }

    @Test
    void doesNotRepeatWithinOneMillisecond() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.at(42));
        }

        assertThat(ids).hasSize(100_000);
    }
}
