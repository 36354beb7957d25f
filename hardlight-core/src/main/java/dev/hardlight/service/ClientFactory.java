package dev.hardlight.service;

import java.util.Objects;
import java.util.function.Function;

/**
 * How to make a client of one service: its descriptor (what a transport needs to connect) and the
 * constructor of the client over a connected {@link RpcChannel}. Every generated client has one,
 * {@code <Service>Client.FACTORY}, so any transport connects it the same way, e.g.
 * {@code HardLight.connect(uri, options, CounterClient.FACTORY)}. Immutable and thread-safe.
 *
 * @param <C> the client type
 */
public interface ClientFactory<C> {
    /** The service the client calls. */
    ServiceDescriptor<?> service();

    /** A client making its calls on {@code channel} (connected to {@link #service()}), which it owns from now on. */
    C create(RpcChannel channel);

    /** A factory of the clients {@code create} makes over channels to {@code service}. */
    static <C> ClientFactory<C> of(ServiceDescriptor<?> service, Function<? super RpcChannel, ? extends C> create) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(create, "create");
        return new ClientFactory<>() {
            @Override
            public ServiceDescriptor<?> service() {
                return service;
            }

            @Override
            public C create(RpcChannel channel) {
                return create.apply(channel);
            }

            @Override
            public String toString() {
                return "ClientFactory[" + service.name() + "]";
            }
        };
    }
}
