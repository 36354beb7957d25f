package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.StateListener;
import dev.hardlight.codec.Codecs;
import dev.hardlight.service.ConnectionView;
import dev.hardlight.service.EventDescriptor;
import dev.hardlight.service.ForwardingRpcChannel;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import dev.hardlight.service.ServiceDescriptor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RpcChannel#view}: the typed view is checked against the service; {@link ForwardingRpcChannel} forwards. */
@Timeout(10)
class ConnectionViewTest {
    private static final ServiceDescriptor<Calc> FULL = new ServiceDescriptor<>(Calc.class, "Calc", Calc.sha256("full"),
            "full", Calc.DESCRIPTOR.methods(), Calc.DISPATCHER, CalcState.CODEC,
            new EventDescriptor<>(String.class, Codecs.STRING, 0xE7L));

    private final List<String> seen = new ArrayList<>();

    /** A channel of {@code service} whose state is {@code state}; records the methods called on it. */
    private RpcChannel channel(ServiceDescriptor<?> service, Object state) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, m, args);
            }
            seen.add(m.getName());
            return switch (m.getName()) {
                case "service" -> service;
                case "state" -> state;
                case "isOpen" -> true;
                case "toString" -> "stub";
                default -> null;
            };
        };
        return (RpcChannel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RpcChannel.class}, h);
    }

    @Test
    void theTypedViewIsTheChannelWhenTheTypesAreTheServices() {
        RpcChannel channel = channel(FULL, new CalcState(3, "ann"));
        ConnectionView<CalcState, String> view = channel.view(CalcState.class, String.class);
        CalcState state = view.state();
        assertThat(state).isEqualTo(new CalcState(3, "ann"));
        StateListener<CalcState> listener = (before, after) -> { };
        view.addStateListener(listener);
        assertThat(seen).contains("addStateListener");
    }

    @Test
    void otherTypesAreRefusedWithWhatTheServiceHas() {
        RpcChannel channel = channel(FULL, null);
        assertThatThrownBy(() -> channel.view(String.class, String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Calc has state " + CalcState.class.getName() + " and events java.lang.String");
        assertThatThrownBy(() -> channel.view(CalcState.class, Void.class)).isInstanceOf(IllegalArgumentException.class);
        RpcChannel plain = channel(Calc.DESCRIPTOR, null);
        assertThat(plain.view(Void.class, Void.class).state()).as("a service without state or events").isNull();
        assertThatThrownBy(() -> plain.view(CalcState.class, Void.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aForwardingChannelPassesEverythingOnAndOverridesWhatItChanges() throws Exception {
        RpcChannel inner = channel(FULL, new CalcState(1, ""));
        List<Duration> deadlines = new ArrayList<>();
        RpcChannel counting = new ForwardingRpcChannel(inner) {
            @Override
            public <R> R call(MethodDescriptor<R> method, dev.hardlight.service.ArgumentWriter args, Duration deadline)
                    throws Exception {
                deadlines.add(deadline);
                return super.call(method, args, deadline);
            }
        };
        counting.withDeadline(Duration.ofSeconds(2)).call(Calc.ADD, out -> { });
        assertThat(deadlines).containsExactly(Duration.ofSeconds(2));
        assertThat(counting.state()).isEqualTo(new CalcState(1, ""));
        assertThat(counting.view(CalcState.class, String.class).isOpen()).isTrue();
        counting.features();
        counting.events();
        counting.close();
        assertThat(seen).containsSubsequence("call", "state", "features", "events", "close");
    }
}
