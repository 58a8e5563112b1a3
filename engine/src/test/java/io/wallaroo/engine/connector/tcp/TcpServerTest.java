package io.wallaroo.engine.connector.tcp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpServerTest {
    @Test
    void aTakenAddressFailsWithItsOwnTypeNamingTheAddressAndTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CannotListenException e = assertThrows(CannotListenException.class, () -> TcpServer.listen(
                    "127.0.0.1", taken.getLocalPort(), "input connections", "Pick a free one with --in", ch -> {}));
            assertTrue(e.getMessage().startsWith("cannot listen for input connections on 127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("Pick a free one with --in"), e.getMessage());
        }
    }

    @Test
    void aFreeAddressListensAndClosingFreesIt() throws Exception {
        int port;
        try (TcpServer server = TcpServer.listen("127.0.0.1", 0, "input connections", "fix", ch -> {})) {
            port = server.port();
            assertTrue(port > 0);
        }
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertTrue(again.isBound());
        }
    }
}
