package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {
    private static final InetAddress A = InetAddress.getLoopbackAddress();

    private static InetAddress b() throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, 2});
    }

    @Test
    void oneAddressMayHoldItsShareAndNoMore() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(10, 2);
        assertTrue(limits.tryOpen(A));
        assertTrue(limits.tryOpen(A));
        assertFalse(limits.tryOpen(A));
        assertTrue(limits.tryOpen(b()), "another address is not held back");
        limits.closed(A);
        assertTrue(limits.tryOpen(A), "a closed connection gives its place back");
    }

    @Test
    void theGatewayHoldsItsTotalAndNoMore() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(2, 5);
        assertTrue(limits.tryOpen(A));
        assertTrue(limits.tryOpen(b()));
        assertFalse(limits.tryOpen(A));
        assertEquals(2, limits.open());
        limits.closed(b());
        assertTrue(limits.tryOpen(A));
    }
}
