package dev.hardlight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Event;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a client of {@link Board} sees, whatever joins it to the server: run over sockets
 * ({@link SocketBoardBehaviourTest}) and in process ({@link InProcessBoardBehaviourTest}), the same
 * assertions must hold.
 */
@Timeout(30)
abstract class BoardBehaviour {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** A new connected client; the subclass closes it after the test. */
    abstract BoardClient connect();

    private static void assertStatus(Throwable t, Status status) {
        assertThat(t).isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(status));
    }

    @Test
    void callsReturnTheirResultsAndTheStateShowsTheirChanges() {
        BoardClient client = connect();
        assertThat(client.state()).isEqualTo(new Board.Seen(0));
        assertThat(client.post("one")).isEqualTo(1);
        assertThat(client.state()).as("a call's state change is visible when it returns").isEqualTo(new Board.Seen(1));
        assertThat(client.postAsync("two").orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(2);
        assertThat(client.state()).isEqualTo(new Board.Seen(2));
        assertThat(client.features()).isEmpty();
        assertThat(client.channel().isOpen()).isTrue();
    }

    @Test
    void stateListenersSeeEveryChangeInOrder() {
        BoardClient client = connect();
        StateRecorder<Board.Seen> states = new StateRecorder<>();
        client.onStateChange(states);
        client.post("a");
        client.post("b");
        assertThat(states.awaitState(s -> s.posted() == 2, WAIT)).isEqualTo(new Board.Seen(2));
        client.removeStateListener(states);
    }

    @Test
    void remoteErrorsArriveWithTheirStatusAndMessage() {
        BoardClient client = connect();
        assertThatThrownBy(client::missing).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.NOT_FOUND);
            assertThat(e.getMessage()).contains("nothing here");
        });
        assertThat(client.post("after")).as("an error does not hurt the connection").isEqualTo(1);
    }

    @Test
    void eventsReachEveryConnectionOnTheTopicListenersAndStream() throws InterruptedException {
        BoardClient poster = connect();
        BoardClient reader = connect();
        EventRecorder<BoardEvent> heard = new EventRecorder<>();
        reader.onEvent(heard);
        String text = "hello " + UUID.randomUUID();
        poster.post(text);
        assertThat(heard.awaitValue(e -> ((BoardEvent.Posted) e).text().equals(text), WAIT)).isInstanceOf(BoardEvent.Posted.class);
        Event<BoardEvent> taken;
        do {
            taken = reader.events().poll(WAIT).orElseThrow(() -> new AssertionError("no event within " + WAIT));
        } while (!((BoardEvent.Posted) taken.value()).text().equals(text));
        assertThat(taken.topic()).isEqualTo(BoardHandler.TOPIC);
        reader.removeEventListener(heard);
    }

    @Test
    void aDeadlineFailsTheCallAndInterruptsTheHandler() throws InterruptedException {
        BoardClient client = connect();
        String id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> client.withDeadline(Duration.ofMillis(100)).hold(id, 20_000))
                .satisfies(t -> assertStatus(t, Status.DEADLINE_EXCEEDED));
        Await.until("the handler of " + id + " to be interrupted", () -> BoardHandler.INTERRUPTED.contains(id), WAIT);
        assertThat(client.hold("quick", 1)).isEqualTo(1);
    }

    @Test
    void cancellingAFutureCancelsTheCallOnTheServer() throws InterruptedException {
        BoardClient client = connect();
        String id = UUID.randomUUID().toString();
        CompletableFuture<Integer> f = client.holdAsync(id, 20_000);
        Await.until("the handler of " + id + " to run", () -> BoardHandler.STARTED.contains(id), WAIT);
        assertThat(f.cancel(true)).isTrue();
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        Await.until("the handler of " + id + " to be interrupted", () -> BoardHandler.INTERRUPTED.contains(id), WAIT);
        assertThat(client.post("still here")).isEqualTo(1);
    }

    @Test
    void closingTheClientFailsItsPendingCallsAndLaterOnes() {
        BoardClient client = connect();
        CompletableFuture<Integer> pending = client.holdAsync(UUID.randomUUID().toString(), 20_000);
        client.close();
        assertThat(client.channel().isOpen()).isFalse();
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().satisfies(t -> assertStatus(t, Status.CONNECTION_LOST));
        assertThatThrownBy(() -> client.post("late")).isInstanceOf(RpcException.class);
    }
}
