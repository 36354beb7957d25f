package dev.hardlight.netty.internal;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a client's socket binds before it connects: a local address, or a network interface whose
 * address is looked up at each connect (an interface's addresses change: DHCP, VPNs going up and down).
 *
 * @param address the local address, or {@code null} when {@code interfaceName} is set
 * @param interfaceName the interface's name ({@code eth0}, {@code lo}), or {@code null} when {@code address} is set
 */
public record LocalBinding(InetAddress address, String interfaceName) {

    public LocalBinding {
        if ((address == null) == (interfaceName == null)) {
            throw new IllegalArgumentException("a local address or an interface name, exactly one");
        }
    }

    /**
     * The socket address to bind to for connecting to {@code remote} (an ephemeral port): the address,
     * or the interface's first address of {@code remote}'s family (IPv4 or IPv6; for IPv6 a link-local
     * address only when the remote is link-local too).
     *
     * @param target the server, for error messages
     * @throws RpcException {@code UNAVAILABLE} if the interface does not exist, is down, or has no
     *     address of that family
     */
    public InetSocketAddress bindAddressFor(InetAddress remote, String target) {
        if (address != null) {
            return new InetSocketAddress(address, 0);
        }
        NetworkInterface nic;
        try {
            nic = NetworkInterface.getByName(interfaceName);
            if (nic == null) {
                throw unavailable(target, "there is no network interface named \"" + interfaceName + "\"");
            }
            if (!nic.isUp()) {
                throw unavailable(target, "the network interface \"" + interfaceName + "\" is down");
            }
        } catch (SocketException e) {
            throw unavailable(target, "cannot read the network interface \"" + interfaceName + "\": " + e.getMessage());
        }
        boolean v6 = remote instanceof Inet6Address;
        List<InetAddress> candidates = new ArrayList<>();
        nic.getInetAddresses().asIterator().forEachRemaining(a -> {
            if (v6 ? a instanceof Inet6Address && (!a.isLinkLocalAddress() || remote.isLinkLocalAddress())
                    : a instanceof Inet4Address) {
                candidates.add(a);
            }
        });
        if (candidates.isEmpty()) {
            throw unavailable(target, "the network interface \"" + interfaceName + "\" has no "
                    + (v6 ? "IPv6" : "IPv4") + " address to connect to " + remote.getHostAddress() + " from");
        }
        return new InetSocketAddress(candidates.getFirst(), 0);
    }

    private static RpcException unavailable(String target, String why) {
        return new RpcException(Status.UNAVAILABLE, "cannot connect to " + target + ": " + why);
    }

    @Override
    public String toString() {
        return address != null ? address.getHostAddress() : "interface " + interfaceName;
    }
}
