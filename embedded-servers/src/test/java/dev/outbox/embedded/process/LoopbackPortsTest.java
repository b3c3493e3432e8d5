package dev.outbox.embedded.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void picksABindablePortBelowTheEphemeralRange() throws IOException {
        int port = LoopbackPorts.pick();

        assertTrue(port >= 20_000 && port < 32_768, "port " + port);
        assertBindable(port);
    }

    @Test
    void picksDifferentPortsWhenTheSameCandidateComesUpTwice() throws IOException {
        // What two separate pick() calls did about once in 12,000 brokers: both listeners on one port.
        int candidate = LoopbackPorts.pick();
        PrimitiveIterator.OfInt candidates = IntStream.of(candidate, candidate, candidate + 1).iterator();

        List<Integer> ports = LoopbackPorts.pick(2, candidates::nextInt);

        assertEquals(List.of(candidate, candidate + 1), ports);
        for (int port : ports) {
            assertBindable(port);
        }
    }

    @Test
    void skipsAPortThatAnotherListenerHolds() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int free = LoopbackPorts.pick();
            PrimitiveIterator.OfInt candidates = IntStream.of(taken.getLocalPort(), free).iterator();

            assertEquals(List.of(free), LoopbackPorts.pick(1, candidates::nextInt));
        }
    }

    private static void assertBindable(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertTrue(socket.isBound());
        }
    }
}
