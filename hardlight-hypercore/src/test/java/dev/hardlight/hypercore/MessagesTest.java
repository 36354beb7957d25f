package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.hypercore.Message.*;
import dev.hardlight.hypercore.internal.MalformedException;
import dev.hardlight.hypercore.internal.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every hypercore message type encoded exactly as hypercore 10 encodes it: {@code message-vectors.json} is the
 * output of {@code src/test/js/message-vectors.js} run on the pinned npm packages (the interop test re-runs it).
 */
@Timeout(30)
class MessagesTest {
    static byte[] h(int n) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) n);
        return b;
    }

    static byte[] filled(int len, int n) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) n);
        return b;
    }

    /** The same samples as message-vectors.js, in the same order. */
    static final List<Message> SAMPLES = List.of(
            new Sync(0, 3, 0, true, true, true, false),
            new Sync(2, 300, 70000, false, false, true, true),
            new Request(1, 0, new RequestBlock(0, 0), null, null, new RequestUpgrade(0, 3), false, 0),
            new Request(7, 1, null, new RequestBlock(5, 2), new RequestSeek(1000, 3), null, true, 1),
            new Cancel(253),
            new Data(1, 0, new DataBlock(0, "block-0 hello".getBytes(StandardCharsets.UTF_8), List.of(new Node(2, 26, h(1)))), null, null,
                    new DataUpgrade(0, 3, List.of(), List.of(new Node(4, 13, h(2))), filled(64, 9)), null),
            new Data(2, 0, null, new DataHash(1, List.of(new Node(3, 100, h(3)))), new DataSeek(65536, List.of()), null, null),
            new NoData(65536),
            new Want(0, 2097152),
            new Unwant(10, 1),
            new Bitfield(0, new int[] {0xffffffff, 1, 0x80000000}),
            new Range(false, 0, 3),
            new Range(true, 5, 1),
            new Extension("hello-ext", new byte[] {1, 2, 3}));

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> vectors() throws IOException {
        try (InputStream in = MessagesTest.class.getResourceAsStream("message-vectors.json")) {
            return (List<Map<String, Object>>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyTypeEncodesAsHypercore10AndDecodesBack() throws IOException {
        List<Map<String, Object>> v = vectors();
        assertThat(v).hasSize(SAMPLES.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            Message m = SAMPLES.get(i);
            String expected = (String) v.get(i).get("hex");
            assertThat(m.type()).as(v.get(i).get("name").toString()).isEqualTo(((Number) v.get(i).get("type")).intValue());
            assertThat(HexFormat.of().formatHex(Messages.encode(m))).as(v.get(i).get("name") + " #" + i).isEqualTo(expected);
            Message back = Messages.decode(m.type(), HexFormat.of().parseHex(expected));
            assertThat(Messages.encode(back)).isEqualTo(HexFormat.of().parseHex(expected));
        }
        assertThat(SAMPLES.stream().map(Message::type).distinct()).hasSize(10);
    }

    @Test
    void theCapturedJsExchangeDecodes() {
        // sync{flags 7, length 3} and range{0,3} from the JS batch 00 00 01 | 05 00 07 00 03 00 | 04 08 00 00 03
        assertThat(Messages.decode(0, HexFormat.of().parseHex("07000300"))).isEqualTo(new Sync(0, 3, 0, true, true, true, false));
        assertThat(Messages.decode(8, HexFormat.of().parseHex("000003"))).isEqualTo(new Range(false, 0, 3));
    }

    @Test
    void unknownTypesDecodeToNull() {
        assertThat(Messages.decode(10, new byte[] {1})).isNull();
    }

    @Test
    void truncatedMessagesOfEveryTypeAreMalformed() {
        for (Message m : SAMPLES) {
            byte[] full = Messages.encode(m);
            for (int cut = 0; cut < full.length; cut++) {
                byte[] part = Arrays.copyOf(full, cut);
                int type = m.type();
                if (type == 9 && cut >= 10) {
                    continue; // an extension's payload is raw: any length after the name is valid
                }
                if (type == 7 && cut == 0) {
                    assertThatThrownBy(() -> Messages.decode(type, part)).isInstanceOf(MalformedException.class);
                    continue;
                }
                try {
                    Message got = Messages.decode(type, part);
                    // a prefix may decode when the tail is optional (range length 1, request without priority): then it is shorter
                    assertThat(Messages.encode(got).length).as(m + " cut at " + cut).isLessThanOrEqualTo(cut);
                } catch (MalformedException e) {
                    assertThat(e.getMessage()).isNotBlank();
                }
            }
        }
    }

    @Test
    void hugeCountsAreRefusedWithoutAllocating() {
        // data with a block whose node count claims 2^32 entries
        byte[] bad = HexFormat.of().parseHex("01010000" + "00" + "fe00000100");
        assertThatThrownBy(() -> Messages.decode(3, bad)).isInstanceOf(MalformedException.class).hasMessageContaining("items announced");
        byte[] bits = HexFormat.of().parseHex("00" + "fe00001000");
        assertThatThrownBy(() -> Messages.decode(7, bits)).isInstanceOf(MalformedException.class).hasMessageContaining("elements announced");
        byte[] big = HexFormat.of().parseHex("ffffffffffffffffff");
        assertThatThrownBy(() -> Messages.decode(2, big)).isInstanceOf(MalformedException.class).hasMessageContaining("2^53");
    }

    @Test
    void randomBytesEitherDecodeOrAreMalformed() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            int type = r.nextInt(11);
            try {
                Message m = Messages.decode(type, b);
                if (m != null) {
                    Message again = Messages.decode(type, Messages.encode(m));
                    assertThat(Messages.encode(again)).isEqualTo(Messages.encode(m));
                }
            } catch (MalformedException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
