package dev.hardlight.netty.internal;

import dev.hardlight.Authenticator;
import dev.hardlight.ClusterBus;
import dev.hardlight.HandlerFactory;
import dev.hardlight.TopicListener;
import dev.hardlight.service.ServiceDescriptor;
import java.util.Objects;

/**
 * One service of a server, at its path, with its settings resolved (its own, else the server's).
 *
 * @param authenticator {@code null}: every connection opens with no feature and no principal
 * @param topicListener {@code null}: none
 * @param cluster {@code null}: a single node
 * @param <S> the service interface
 */
public record Endpoint<S>(String path, ServiceDescriptor<S> service, HandlerFactory<S> factory, Authenticator authenticator,
                          OriginPolicy originPolicy, TopicListener topicListener, ClusterBus cluster, int maxInFlight,
                          int maxMessageSize, boolean hideSchema, boolean sendErrorDetails) {
    public Endpoint {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(originPolicy, "originPolicy");
    }
}
