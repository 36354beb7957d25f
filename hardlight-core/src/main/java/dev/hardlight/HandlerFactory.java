package dev.hardlight;

/**
 * Makes the handler of one connection. Called once per connection, after the WebSocket upgrade and
 * before the hello is sent; a factory that throws refuses the connection (closed with 1011).
 *
 * @param <S> the service interface the handler implements
 */
@FunctionalInterface
public interface HandlerFactory<S> {
    S create(Connection connection);
}
