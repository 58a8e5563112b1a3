package io.wallaroo.engine.testing;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenPortsTest {
    @Test
    void portsComeFromBelowTheEphemeralRangeAndAreNeverRepeated() throws Exception {
        int bound = ListenPorts.ephemeralLowerBound();
        assertTrue(bound > 1024 && bound < 65_536, "read the kernel's range, got " + bound);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = ListenPorts.free();
            assertTrue(port < bound, port + " is below the ephemeral range starting at " + bound);
            assertTrue(seen.add(port), "port " + port + " handed out twice");
        }
    }

    @Test
    void aPortHandedOutCanBeListenedOn() throws Exception {
        int port = ListenPorts.free();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, s.getLocalPort());
        }
    }
}
