package dev.outbox.embedded.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/** Picks free TCP ports on 127.0.0.1 for servers that a fixture starts. */
public final class LoopbackPorts {

    /*
     * Below Linux's default ephemeral range (32768-60999): a port picked there could be taken by any outgoing
     * connection in the moment between our check and the server's bind; here only another listener can take it.
     */
    /** What Kafka and PostgreSQL log when another process holds the port they were told to bind. */
    public static final String ADDRESS_IN_USE = "Address already in use";

    static final int FIRST = 20_000;
    static final int LAST = 32_000;
    private static final int ATTEMPTS = 100;

    private LoopbackPorts() {
    }

    public static int pick() {
        return pick(1).get(0);
    }

    /** {@code count} different free ports, for a server that listens on several at once. */
    public static List<Integer> pick(int count) {
        return pick(count, () -> ThreadLocalRandom.current().nextInt(FIRST, LAST));
    }

    static List<Integer> pick(int count, IntSupplier candidates) {
        // Each probe socket stays bound until all are picked, so no two picks can return the same port.
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int attempt = 0; held.size() < count; attempt++) {
                if (attempt == ATTEMPTS * count) {
                    throw new IllegalStateException("No " + count + " free loopback ports found in " + FIRST + "-" + LAST);
                }
                bindIfFree(candidates.getAsInt()).ifPresent(held::add);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            held.forEach(LoopbackPorts::release);
        }
    }

    private static Optional<ServerSocket> bindIfFree(int port) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            // Without SO_REUSEADDR a port that still has connections in TIME_WAIT counts as taken.
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return Optional.of(socket);
        } catch (IOException e) {
            release(socket);
            return Optional.empty();
        }
    }

    private static void release(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release probe socket on port " + socket.getLocalPort(), e);
        }
    }
}
