package dev.hardlight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.netty.HardLightServer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension on an instance field: a fresh server per test, closed after it. */
@Timeout(30)
class PerTestServerTest {
    static final Set<HardLightServer> servers = new HashSet<>();

    @RegisterExtension
    final HardLightExtension<Board> hl = HardLightExtension.serve(Board.class, BoardHandler::new)
            .path("/board")
            .configure(b -> b.maxInFlight(4));

    @RepeatedTest(2)
    void eachTestHasItsOwnServer() {
        servers.add(hl.server());
        assertThat(hl.uri().getPath()).isEqualTo("/board");
        assertThat(hl.connect(BoardClient::new).post("x")).isEqualTo(1);
        assertThat(hl.connectChannel().isOpen()).isTrue();
    }

    @Test
    void theServerIsNotServedOutsideItsTest() {
        HardLightExtension<Board> unstarted = HardLightExtension.serve(Board.class, BoardHandler::new);
        assertThatThrownBy(unstarted::server).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }

    @AfterAll
    static void everyServerWasClosed() {
        assertThat(servers).hasSize(2);
        for (HardLightServer s : servers) {
            assertThat(s.connectionCount()).isZero();
        }
    }
}
