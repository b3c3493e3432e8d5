package dev.outbox.testsupport.process;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void picksABindablePortBelowTheEphemeralRange() throws IOException {
        int port = LoopbackPorts.pick();

        assertTrue(port >= 20_000 && port < 32_768, "port " + port);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertTrue(socket.isBound());
        }
    }
}
