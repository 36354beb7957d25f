package dev.hardlight.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.Topic;
import dev.hardlight.codec.Codecs;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** A connection's subscriptions keep their order and answers as they grow from none to one to many and back. */
class SessionSubscriptionsTest {
    private final TopicRegistry<String> registry =
            new TopicRegistry<>(Codecs.STRING, UnpooledByteBufAllocator.DEFAULT, change -> {}, Runnable::run);

    @Test
    void noneOneManyAndBack() {
        SessionSubscriptions s = new SessionSubscriptions(registry);
        Topic a = Topic.of("a");
        Topic b = Topic.of("b");
        Topic c = Topic.of("c");
        assertThat(s.topics()).isEmpty();
        assertThat(s.contains(a)).isFalse();
        assertThat(s.remove(a)).isFalse();

        assertThat(s.add(a)).isTrue();
        assertThat(s.add(Topic.of("a"))).isFalse();
        assertThat(s.contains(a)).isTrue();
        assertThat(s.topics()).containsExactly(a);

        assertThat(s.add(b)).isTrue();
        assertThat(s.add(c)).isTrue();
        assertThat(s.add(b)).isFalse();
        assertThat(s.topics()).containsExactly(a, b, c);
        assertThat(s.remove(a)).isTrue();
        assertThat(s.topics()).containsExactly(b, c);
        assertThat(s.contains(a)).isFalse();
        assertThat(registry.topicCount()).isZero(); // not bound yet: nothing registered

        s.close();
        assertThat(s.topics()).isEmpty();
        assertThat(s.add(a)).as("refused once closed").isFalse();
    }
}
