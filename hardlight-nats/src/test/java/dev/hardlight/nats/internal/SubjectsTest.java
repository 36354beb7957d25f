package dev.hardlight.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.Topic;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SubjectsTest {
    private final Subjects subjects = new Subjects("hl.test");

    @Test
    void anyTopicMapsToAValidSubjectAndBack() {
        Random random = new Random(15);
        Set<String> seen = new HashSet<>();
        Set<Topic> topics = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = new byte[i == 0 ? 0 : i == 1 ? Topic.MAX_LENGTH : random.nextInt(40)];
            random.nextBytes(bytes);
            if (i % 7 == 0 && bytes.length > 2) {
                bytes[0] = '.';
                bytes[1] = '*';
                bytes[2] = '>';
            }
            Topic topic = Topic.of(bytes);
            String subject = subjects.subject(topic);
            assertThat(subject).startsWith("hl.test.t").matches("[A-Za-z0-9_.-]+").doesNotContain("..");
            assertThat(subject.split("\\.", -1)).hasSize(3).allSatisfy(token -> assertThat(token).isNotEmpty());
            assertThat(subject.length()).isLessThanOrEqualTo(Subjects.MAX_PREFIX + 2 + 1366);
            assertThat(subjects.topic(subject)).isEqualTo(topic);
            seen.add(subject);
            topics.add(topic);
        }
        assertThat(seen).as("distinct topics, distinct subjects").hasSameSizeAs(topics);
        assertThat(subjects.subject(Topic.EMPTY)).isEqualTo("hl.test.t");
    }

    @Test
    void prefixesAreCheckedAndServiceNamesCleaned() {
        assertThat(Subjects.defaultPrefix("dev.example.Chat")).isEqualTo("hl.dev.example.Chat");
        assertThat(Subjects.defaultPrefix("odd name*>")).isEqualTo("hl.odd_name__");
        assertThatThrownBy(() -> new Subjects("a..b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Subjects("a.*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Subjects("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Subjects("x".repeat(Subjects.MAX_PREFIX + 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(subjects.topic("other.t")).isNull();
        assertThat(subjects.topic("hl.test.t!!")).isNull();
    }
}
