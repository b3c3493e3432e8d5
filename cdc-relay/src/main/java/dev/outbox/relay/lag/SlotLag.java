package dev.outbox.relay.lag;

import java.util.List;

/**
 * The replication slot as Postgres sees it. {@code lagBytes}: WAL written but not yet confirmed by the relay;
 * {@code retainedBytes}: WAL the server must keep for the slot (what fills the disk if the relay stays down).
 * {@code otherLogicalSlots}: logical slots that are not the relay's — each reads every change of its database,
 * and any role with {@code REPLICATION}, the relay's included, can create one.
 */
public record SlotLag(String slotName, boolean exists, boolean active, long lagBytes, long retainedBytes,
                      List<String> otherLogicalSlots) {

    static SlotLag missing(String slotName, List<String> otherLogicalSlots) {
        return new SlotLag(slotName, false, false, 0, 0, otherLogicalSlots);
    }
}
