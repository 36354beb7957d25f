package dev.hardlight.netty;

import dev.hardlight.Authenticator;
import dev.hardlight.ClusterBus;
import dev.hardlight.TopicListener;
import dev.hardlight.internal.protocol.InFlight;
import dev.hardlight.netty.internal.OriginPolicy;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of one service among several on a server ({@link ServerBuilder#service}): who may
 * connect to it and what its connections may do. A setting not given here is the server builder's:
 * the {@link ServerBuilder#authenticator authenticator}, the {@link ServerBuilder#allowedOrigins origin
 * policy}, {@link ServerBuilder#maxInFlight maxInFlight}, {@link ServerBuilder#maxMessageSize
 * maxMessageSize}, {@link ServerBuilder#hideSchema() hideSchema} and
 * {@link ServerBuilder#developmentErrorDetails developmentErrorDetails}. Two settings are never taken
 * from the server builder, because they belong to one service's topics: the
 * {@link Builder#topicListener(TopicListener) topic notifier} and the {@link Builder#cluster(ClusterBus)
 * cluster bus} (the server builder's belong to the service given at {@link HardLight#server(Class,
 * dev.hardlight.HandlerFactory)}).
 *
 * <p>Immutable; thread-safe. Made with {@link #builder()}, usually through the configuring function of
 * {@link ServerBuilder#service(String, Class, dev.hardlight.HandlerFactory, java.util.function.Consumer)}.
 */
public final class ServiceOptions {
    private final Authenticator authenticator;
    private final Set<String> allowedOrigins;
    private final boolean anyOrigin;
    private final TopicListener topicListener;
    private final ClusterBus cluster;
    private final Integer maxInFlight;
    private final Integer maxMessageSize;
    private final Boolean hideSchema;
    private final Boolean developmentErrorDetails;

    private ServiceOptions(Builder b) {
        this.authenticator = b.authenticator;
        this.allowedOrigins = b.allowedOrigins == null ? null : Set.copyOf(b.allowedOrigins);
        this.anyOrigin = b.anyOrigin;
        this.topicListener = b.topicListener;
        this.cluster = b.cluster;
        this.maxInFlight = b.maxInFlight;
        this.maxMessageSize = b.maxMessageSize;
        this.hideSchema = b.hideSchema;
        this.developmentErrorDetails = b.developmentErrorDetails;
    }

    /** A builder with nothing set: every setting is the server builder's (but the topic notifier and bus). */
    public static Builder builder() {
        return new Builder();
    }

    /** The service's authenticator, or the server's if {@code server} is given here as the fallback. */
    Authenticator authenticator(Authenticator server) {
        return authenticator != null ? authenticator : server;
    }

    /** The service's origin policy if it set one, else the server's. */
    OriginPolicy originPolicy(OriginPolicy server) {
        if (anyOrigin) {
            return OriginPolicy.any();
        }
        return allowedOrigins != null ? OriginPolicy.allow(allowedOrigins) : server;
    }

    /** The topic notifier of this service's topics, or {@code null}. */
    TopicListener topicListener() {
        return topicListener;
    }

    /** The cluster bus of this service's topics, or {@code null}. */
    ClusterBus cluster() {
        return cluster;
    }

    int maxInFlight(int server) {
        return maxInFlight != null ? maxInFlight : server;
    }

    int maxMessageSize(int server) {
        return maxMessageSize != null ? maxMessageSize : server;
    }

    boolean hideSchema(boolean server) {
        return hideSchema != null ? hideSchema : server;
    }

    boolean developmentErrorDetails(boolean server) {
        return developmentErrorDetails != null ? developmentErrorDetails : server;
    }

    @Override
    public String toString() {
        return "ServiceOptions[authenticator=" + (authenticator == null ? "server's" : "own")
                + ", origins=" + (anyOrigin ? "any" : allowedOrigins == null ? "server's" : allowedOrigins)
                + ", maxInFlight=" + (maxInFlight == null ? "server's" : maxInFlight)
                + ", maxMessageSize=" + (maxMessageSize == null ? "server's" : maxMessageSize) + "]";
    }

    /** Builds {@link ServiceOptions}. Not thread-safe. */
    public static final class Builder {
        private Authenticator authenticator;
        private Set<String> allowedOrigins;
        private boolean anyOrigin;
        private TopicListener topicListener;
        private ClusterBus cluster;
        private Integer maxInFlight;
        private Integer maxMessageSize;
        private Boolean hideSchema;
        private Boolean developmentErrorDetails;

        private Builder() {}

        /**
         * Decides at the upgrade whether a connection to this service may open, and with which first
         * features and principal, exactly as {@link ServerOptions.Builder#authenticator(Authenticator)}
         * describes; replaces the server's authenticator for this service. A service cannot go without
         * the server's authenticator, only replace it: give one that accepts everyone
         * ({@code r -> Authenticator.Result.accept(Set.of(), null)}) for a public service.
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * The browser origins allowed to connect to this service besides the server's own, as
         * {@link ServerOptions.Builder#allowedOrigins(String...)} describes. Once called (with any number
         * of origins, none included), this service's origin policy is its own list and the server's
         * allowed origins no longer apply to it; adds to any given before.
         *
         * @throws IllegalArgumentException unless each origin is {@code http://} or {@code https://} and a
         *     host, without path, query or user info
         */
        public Builder allowedOrigins(String... origins) {
            Objects.requireNonNull(origins, "origins");
            Set<String> set = allowedOrigins == null ? new LinkedHashSet<>() : allowedOrigins;
            for (String o : origins) {
                set.add(OriginPolicy.checkOrigin(o));
            }
            allowedOrigins = set;
            return this;
        }

        /** Allows upgrades to this service from any browser origin: see {@link ServerOptions.Builder#allowAnyOrigin()}. */
        public Builder allowAnyOrigin() {
            anyOrigin = true;
            return this;
        }

        /**
         * The notifier of this service's topics: see {@link ServerOptions.Builder#topicListener(TopicListener)}.
         * It is told of this service's topics only. Default: none.
         */
        public Builder topicListener(TopicListener listener) {
            this.topicListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Makes this service's topics one node of a cluster: see {@link ServerOptions.Builder#cluster(ClusterBus)}.
         * One bus per service: give each service its own. Default: none.
         */
        public Builder cluster(ClusterBus bus) {
            this.cluster = Objects.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * The most calls one connection to this service may have in flight: see
         * {@link ServerOptions.Builder#maxInFlight(int)}.
         *
         * @throws IllegalArgumentException unless 1..65535
         */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = InFlight.check(maxInFlight);
            return this;
        }

        /**
         * The largest message a client of this service may send: see
         * {@link ServerOptions.Builder#maxMessageSize(int)}.
         *
         * @throws IllegalArgumentException unless {@value ServerOptions#MIN_MESSAGE_SIZE} to
         *     {@value ServerOptions#MAX_MESSAGE_SIZE}
         */
        public Builder maxMessageSize(int maxMessageSize) {
            this.maxMessageSize = ServerOptions.checkMaxMessageSize(maxMessageSize);
            return this;
        }

        /** Whether this service's HELLO leaves out its schema text: see {@link ServerBuilder#hideSchema()}. */
        public Builder hideSchema(boolean hide) {
            this.hideSchema = hide;
            return this;
        }

        /** See {@link ServerOptions.Builder#developmentErrorDetails(boolean)}: for development only. */
        public Builder developmentErrorDetails(boolean send) {
            this.developmentErrorDetails = send;
            return this;
        }

        /** Immutable options holding this builder's settings. */
        public ServiceOptions build() {
            return new ServiceOptions(this);
        }
    }
}
