package dev.hardlight.stream;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Resolves a host name, blocking: an {@link IoService} calls it on a resolver thread of its own, never on
 * the polling thread, and gives up on it after its DNS timeout. The default is
 * {@link InetAddress#getByName(String)}. Must be thread-safe.
 */
@FunctionalInterface
public interface HostResolver {

    /** The address of {@code host}; an {@link IOException} (such as {@link java.net.UnknownHostException}) if none. */
    InetAddress resolve(String host) throws IOException;
}
