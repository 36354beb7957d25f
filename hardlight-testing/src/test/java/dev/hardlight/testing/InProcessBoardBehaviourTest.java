package dev.hardlight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link BoardBehaviour} in process: no socket, the same sessions, through {@link InProcessServer}. */
class InProcessBoardBehaviourTest extends BoardBehaviour {
    static InProcessServer<Board> server;
    private final List<BoardClient> clients = new ArrayList<>();

    @BeforeAll
    static void serve() {
        server = InProcessServer.serve(Board.class, BoardHandler::new);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    BoardClient connect() {
        BoardClient client = server.connect(BoardClient.FACTORY);
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(BoardClient::close);
        Await.until("the server to see every client of the test closed", () -> server.connectionCount() == 0, WAIT);
    }

    @Test
    void theServerCountsItsConnectionsAndItsCloseEndsThem() throws Exception {
        try (InProcessServer<Board> own = InProcessServer.serve(Board.class, BoardHandler::new)) {
            BoardClient client = own.connect(BoardClient.FACTORY);
            assertThat(own.connectionCount()).isOne();
            CompletableFuture<Integer> pending = client.holdAsync(UUID.randomUUID().toString(), 20_000);
            own.close();
            assertThat(own.connectionCount()).isZero();
            assertThat(client.channel().isOpen()).isFalse();
            assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_LOST));
            assertThatThrownBy(() -> own.connect(BoardClient.FACTORY)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aFactoryThatThrowsRefusesTheConnection() {
        try (InProcessServer<Board> refusing = InProcessServer.serve(Board.class, conn -> {
            throw new IllegalStateException("no handler for you");
        })) {
            assertThatThrownBy(() -> refusing.connect(BoardClient.FACTORY)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("no handler for you");
            assertThat(refusing.connectionCount()).isZero();
        }
    }
}
