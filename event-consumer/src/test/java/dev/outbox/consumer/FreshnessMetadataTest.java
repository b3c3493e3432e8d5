package dev.outbox.consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The freshness figures a member commits with its offsets, in the form the relay reads back. */
class FreshnessMetadataTest {

    @Test
    void isWrittenAsTheRelayReadsItAndReadsBackTheSame() {
        FreshnessMetadata applied = new FreshnessMetadata(1_764_649_999_750L, 1_764_650_000_000L);

        assertThat(applied.text()).isEqualTo("{\"committed_at\":1764649999750,\"applied_at\":1764650000000}");
        assertThat(FreshnessMetadata.parse(applied.text())).hasValue(applied);
    }

    @Test
    void metadataAnotherToolCommittedIsNotOurs() {
        for (String foreign : new String[] {"", "checkpoint 17", "{\"committed_at\":\"soon\",\"applied_at\":1}",
                "{\"committed_at\":1}", "{\"other\":1}", "[1,2]", "null"}) {
            assertThat(FreshnessMetadata.parse(foreign)).as(foreign).isEmpty();
        }
    }
}
