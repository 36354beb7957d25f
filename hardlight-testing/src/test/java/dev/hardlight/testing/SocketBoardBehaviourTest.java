package dev.hardlight.testing;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link BoardBehaviour} over the network: TLS WebSocket on loopback, through {@link HardLightExtension}. */
class SocketBoardBehaviourTest extends BoardBehaviour {
    @RegisterExtension
    static final HardLightExtension<Board> hl = HardLightExtension.serve(Board.class, BoardHandler::new);

    @Override
    BoardClient connect() {
        return hl.connect(BoardClient::of); // closed by the extension after the test
    }
}
