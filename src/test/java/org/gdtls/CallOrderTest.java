package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The call orders that abort the process under glib-networking (an explicit handshake meeting I/O that starts an
 * implicit one: {@code g_assert (!priv->handshake_context)}), each repeated 200 times in a child JVM. The child
 * must exit normally, leave no hs_err file, and every round must end well: the I/O waited for the handshake and
 * received the server's message, or the binding refused the late explicit handshake with PENDING.
 */
@Timeout(300)
class CallOrderTest {
    private static final int ROUNDS = Integer.getInteger("gdtls.callorder.rounds", 200);
    private static final Set<String> GOOD = Set.of("ok", "handshake ok, ok", "handshake refused, ok");

    static Iterable<String> orders() {
        return CallOrderProbe.ORDERS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orders")
    void neverKillsTheProcess(String order, @TempDir Path dir) throws Exception {
        ChildJvm.Result child = ChildJvm.run(dir, 240, CallOrderProbe.class, order, Integer.toString(ROUNDS));
        assertTrue(child.survived(), child.describe());
        Matcher m = Pattern.compile("^ROUNDS (\\d+) (.*)$", Pattern.MULTILINE).matcher(child.stdout());
        int rounds = 0;
        while (m.find()) {
            assertTrue(GOOD.contains(m.group(2)), m.group(1) + " rounds ended " + m.group(2) + "\n" + child.describe());
            rounds += Integer.parseInt(m.group(1));
        }
        assertEquals(ROUNDS, rounds, child.describe());
    }
}
