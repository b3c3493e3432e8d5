package dev.outbox.consumer;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;

import java.util.Map;
import java.util.Optional;

/** What an application's readiness check says of its group member: one answer for every group. */
public final class MemberReadiness {

    private MemberReadiness() {
    }

    /**
     * Up while the member is {@linkplain GroupConsumer#isReady() ready}; a member without partitions is a ready
     * standby and says it is idle.
     */
    public static HealthCheckResponse of(String name, GroupConsumer<?> member) {
        // Built directly, not through the builder: that one looks its implementation up, which only Quarkus has.
        Map<String, Object> data = Map.of("partitions", member.assignment().toString(), "idle", member.isIdle(),
                "lag", member.lag());
        return new HealthCheckResponse(name, member.isReady() ? Status.UP : Status.DOWN, Optional.of(data));
    }
}
