package io.holdfast.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The dashboard page carries the run's operator token to its script, and only to requests naming a loopback host. */
class DashboardPageTest {

    @Test
    void thePageCarriesTheOperatorTokenForItsScript() {
        String html = new String(DashboardServer.pageWithToken("0a1b2c").body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<meta name=\"holdfast-operator-token\" content=\"0a1b2c\">"), html);
        String quoted = new String(DashboardServer.pageWithToken("a\"><script>").body(), StandardCharsets.UTF_8);
        assertTrue(quoted.contains("content=\"a&quot;&gt;&lt;script&gt;\""), "a configured token cannot break out of the attribute");
    }

    @Test
    void onlyLoopbackHostNamesGetThePage() {
        assertTrue(DashboardServer.isLoopbackHost("127.0.0.1:7070"));
        assertTrue(DashboardServer.isLoopbackHost("localhost:7070"));
        assertTrue(DashboardServer.isLoopbackHost("[::1]:7070"));
        assertTrue(DashboardServer.isLoopbackHost("127.0.0.1"));
        // A DNS-rebinding page names its own host, though that name resolves to 127.0.0.1.
        assertFalse(DashboardServer.isLoopbackHost("rebind.attacker.example:7070"));
        assertFalse(DashboardServer.isLoopbackHost("127.0.0.1.attacker.example:7070"));
        assertFalse(DashboardServer.isLoopbackHost(""));
    }
}
