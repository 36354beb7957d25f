package dev.hardlight.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Connection;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ClientOptions.localInterface}: the socket binds to the named interface's address, or fails clearly. */
@Timeout(30)
class LocalBindingTest {
    private static final ClientOptions PLAIN = ClientOptions.builder().insecurePlaintext().build();

    /** The machine's loopback interface ({@code lo} on Linux, {@code lo0} on macOS). */
    private static NetworkInterface loopback() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isLoopback() && nic.isUp()) {
                return nic;
            }
        }
        throw new AssertionError("no loopback interface is up");
    }

    private static InetAddress ipv4Of(NetworkInterface nic) {
        return Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address)
                .findFirst().orElseThrow(() -> new AssertionError(nic.getName() + " has no IPv4 address"));
    }

    @Test
    void theServerSeesTheInterfacesAddress() throws Exception {
        NetworkInterface lo = loopback();
        InetAddress expected = ipv4Of(lo);
        ClientOptions options = PLAIN.toBuilder().localInterface(lo.getName()).build();
        assertThat(options.localInterface()).isEqualTo(lo.getName());
        assertThat(options.toString()).contains("localInterface=" + lo.getName());
        assertThat(remoteAddressSeenByTheServer(expected, "ws://" + expected.getHostAddress(), options)).isEqualTo(expected);
    }

    /** Serves on {@code host}, makes one call from a client with {@code options}: where the server saw it from. */
    private static InetAddress remoteAddressSeenByTheServer(InetAddress host, String uriPrefix, ClientOptions options) {
        AtomicReference<Connection> seen = new AtomicReference<>();
        try (HardLightServer s = HardLight.server(Everything.class, c -> {
            seen.set(c);
            return new EverythingTest.Echo();
        }).insecurePlaintext().bind(host.getHostAddress(), 0).start();
             EverythingClient c = HardLight.connect(URI.create(uriPrefix + ":" + s.port() + "/hl"), options, EverythingClient.FACTORY)) {
            assertThat(c.i(7)).isEqualTo(7);
            return ((InetSocketAddress) seen.get().remoteAddress()).getAddress();
        }
    }

    @Test
    void anIPv6ServerIsReachedFromTheInterfacesIPv6AddressOrRefusedClearly() throws Exception {
        NetworkInterface lo = loopback();
        InetAddress v6 = Collections.list(lo.getInetAddresses()).stream()
                .filter(a -> a instanceof Inet6Address).findFirst().orElse(null);
        ClientOptions options = PLAIN.toBuilder().localInterface(lo.getName()).build();
        if (v6 == null) {
            // no IPv6 on this loopback: connecting to an IPv6 server must fail naming the interface
            assertThatThrownBy(() -> HardLight.connect(URI.create("ws://[::1]:9/hl"), options, EverythingClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessageContaining("\"" + lo.getName() + "\" has no IPv6 address");
            return;
        }
        assertThat(remoteAddressSeenByTheServer(v6, "ws://[" + v6.getHostAddress() + "]", options))
                .isInstanceOf(Inet6Address.class).isEqualTo(v6);
    }

    @Test
    void anUnknownInterfaceFailsTheConnectNamingIt() throws Exception {
        try (HardLightServer s = HardLight.server(Everything.class, c -> new EverythingTest.Echo())
                .insecurePlaintext().bind("127.0.0.1", 0).start()) {
            ClientOptions options = PLAIN.toBuilder().localInterface("hl-no-such0").build();
            assertThatThrownBy(() -> HardLight.connect(URI.create("ws://127.0.0.1:" + s.port() + "/hl"), options, EverythingClient.FACTORY))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE))
                    .hasMessage("cannot connect to 127.0.0.1:" + s.port() + ": there is no network interface named \"hl-no-such0\"");
            assertThat(s.connectionCount()).isZero();
        }
    }

    @Test
    void addressAndInterfaceAreExclusiveAndNamesMustNotBeBlank() throws Exception {
        ClientOptions.Builder both = PLAIN.toBuilder().localAddress(InetAddress.getLoopbackAddress()).localInterface("lo");
        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set one of them, not both");
        assertThat(both.localInterface(null).build().localInterface()).isNull();
        assertThatThrownBy(() -> ClientOptions.builder().localInterface(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PLAIN.localInterface()).isNull();
    }
}
