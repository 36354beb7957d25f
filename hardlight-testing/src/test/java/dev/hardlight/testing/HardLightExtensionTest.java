package dev.hardlight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.netty.ConnectionEvent;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension on a static field: one server for the class, clients closed after each test. */
@Timeout(30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HardLightExtensionTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final HardLightExtension<Board> hl = HardLightExtension.serve(Board.class, BoardHandler::new);

    static BoardClient classClient;
    static BoardClient firstTestClient;

    @BeforeAll
    static void connectForTheClass() {
        classClient = hl.connect(BoardClient::new);
    }

    @Test
    @Order(1)
    void connectedClientsCallTheServerOverPinnedTls() {
        firstTestClient = hl.connect(BoardClient::new);
        assertThat(hl.uri().getScheme()).isEqualTo("wss");
        assertThat(hl.uri().getPort()).isEqualTo(hl.server().port()).isPositive();
        assertThat(firstTestClient.post("one")).isEqualTo(1);
        assertThat(firstTestClient.state()).isEqualTo(new Board.Seen(1));
        assertThatThrownBy(firstTestClient::missing)
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.NOT_FOUND));
    }

    @Test
    @Order(2)
    void aClientMadeInATestIsClosedAfterIt() {
        assertThat(firstTestClient).as("test 1 ran first").isNotNull();
        assertThat(firstTestClient.channel().isOpen()).isFalse();
        assertThat(classClient.channel().isOpen()).isTrue();
        Await.until("the server to see only the class's client", () -> hl.server().connectionCount() == 1, WAIT);
    }

    @Test
    @Order(3)
    void eventsAndStateAreAwaitedWithTimeouts() {
        EventRecorder<BoardEvent> events = new EventRecorder<>();
        classClient.onEvent(events);
        StateRecorder<Board.Seen> states = new StateRecorder<>();
        BoardClient poster = hl.connect(BoardClient::new);
        poster.onStateChange(states);
        poster.post("a");
        poster.post("b");
        assertThat(events.awaitValue(e -> ((BoardEvent.Posted) e).text().equals("b"), WAIT))
                .isEqualTo(new BoardEvent.Posted(((BoardEvent.Posted) events.all().getFirst().value()).connection(), "b"));
        assertThat(events.all()).extracting(e -> ((BoardEvent.Posted) e.value()).text()).containsExactly("a", "b");
        assertThat(states.awaitState(s -> s.posted() == 2, WAIT)).isEqualTo(new Board.Seen(2));
        classClient.removeEventListener(events);
    }

    @Test
    @Order(4)
    void aTimedOutAwaitFailsWithWhatWasRecorded() {
        EventRecorder<BoardEvent> events = new EventRecorder<>();
        classClient.onEvent(events);
        hl.connect(BoardClient::new).post("only");
        events.awaitNext(WAIT);
        long start = System.nanoTime();
        assertThatThrownBy(() -> events.awaitNext(Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out waiting for any item")
                .hasMessageContaining("only");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThatThrownBy(() -> Await.until("never", () -> false, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("never");
        classClient.removeEventListener(events);
    }

    @Test
    @Order(5)
    void restartKeepsThePortAndReconnectingClientsComeBack() {
        ConnectionRecorder connection = new ConnectionRecorder();
        BoardClient client = hl.connect(BoardClient::new, b -> b.reconnect().connectionListener(connection));
        assertThat(classClient.channel().isOpen()).as("the @BeforeAll client lives across tests").isTrue();
        int port = hl.server().port();
        hl.restart();
        assertThat(hl.server().port()).isEqualTo(port);
        connection.await(ConnectionEvent.Disconnected.class, WAIT);
        assertThat(connection.await(ConnectionEvent.Connected.class, WAIT).reconnected()).isTrue();
        assertThat(client.post("again")).isEqualTo(1);
    }
}
