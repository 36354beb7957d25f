package dev.hardlight.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.testing.EventRecorder;
import dev.hardlight.testing.HardLightExtension;
import dev.hardlight.testing.StateRecorder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The counter service tested the way a user tests theirs: with the hardlight-testing extension. */
@Timeout(30)
class CounterTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final HardLightExtension<Counter> hl = HardLightExtension.serve(Counter.class, CounterHandler::new);

    @Test
    void incrementsAndDecrementsItsOwnCounter() throws Exception {
        CounterClient client = hl.connect(CounterClient::new);
        client.newCounter();
        assertThat(client.increment(5)).isEqualTo(5);
        assertThat(client.decrement(2)).isEqualTo(3);
        assertThat(client.get()).isEqualTo(3);
        assertThat(client.state().counter()).isEqualTo(3);
        assertThat(hl.connect(CounterClient::new).get()).as("each connection has its own counter").isZero();
    }

    @Test
    void underflowArrivesAsTheDeclaredException() {
        CounterClient client = hl.connect(CounterClient::new);
        assertThatThrownBy(() -> client.decrement(1))
                .isExactlyInstanceOf(CounterUnderflowException.class)
                .hasMessageContaining("cannot take 1");
    }

    @Test
    void eventsAndStateChangesArriveInOrder() {
        CounterClient client = hl.connect(CounterClient::new);
        EventRecorder<CounterEvent> events = new EventRecorder<>();
        StateRecorder<CounterState> states = new StateRecorder<>();
        client.onEvent(events);
        client.onStateChange(states);
        client.newCounter();
        client.increment(1);
        client.increment(1);
        assertThat(events.awaitCount(2, WAIT)).extracting(e -> e.value())
                .containsExactly(new CounterEvent.Incremented(1, 0), new CounterEvent.Incremented(2, 1));
        assertThat(states.awaitState(s -> s.counter() == 2, WAIT).topic()).isEqualTo(client.state().topic());
    }
}
