package dev.outbox.relay.lag;

/**
 * The replication slot as Postgres sees it. {@code lagBytes}: WAL written but not yet confirmed by the relay;
 * {@code retainedBytes}: WAL the server must keep for the slot (what fills the disk if the relay stays down).
 */
public record SlotLag(String slotName, boolean exists, boolean active, long lagBytes, long retainedBytes) {

    static SlotLag missing(String slotName) {
        return new SlotLag(slotName, false, false, 0, 0);
    }
}
