package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * Run only by the {@code nio-transport} test execution (see the module's pom), which switches Netty's
 * native transport off: proves that the suites it runs with this test really ran on NIO.
 */
class NioTransportTest {

    @Test
    void theSuitesOfThisRunUseNio() {
        assertThat(System.getProperty("io.netty.transport.noNative")).isEqualTo("true");
        assertThat(Epoll.isAvailable()).isFalse();
        assertThat(Transports.epoll()).isFalse();
        assertThat(Transports.name()).isEqualTo("nio");
        assertThat(Transports.serverChannel()).isEqualTo(NioServerSocketChannel.class);
        assertThat(Transports.clientChannel()).isEqualTo(NioSocketChannel.class);
        assertThat(Transports.clientGroup().threads()).isPositive();
    }
}
