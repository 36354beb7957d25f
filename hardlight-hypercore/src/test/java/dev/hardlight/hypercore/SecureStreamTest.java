package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardlight.hypercore.internal.Ed25519Dh;
import dev.hardlight.hypercore.internal.SecureStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The secure stream between two Java peers through the sans-I/O core: handshake, frames, and every refusal. */
@Timeout(30)
class SecureStreamTest {
    static final class Rec implements SecureStream.Listener {
        byte[] remoteKey;
        byte[] hash;
        final List<byte[]> messages = new ArrayList<>();

        @Override
        public void onHandshake(byte[] remotePublicKey, byte[] handshakeHash) {
            remoteKey = remotePublicKey;
            hash = handshakeHash;
        }

        @Override
        public void onMessage(byte[] plain) {
            messages.add(plain);
        }
    }

    final Ed25519KeyPair ka = Ed25519KeyPair.generate();
    final Ed25519KeyPair kb = Ed25519KeyPair.generate();
    final Rec ra = new Rec();
    final Rec rb = new Rec();
    SecureStream a = new SecureStream(true, ka, null, null, SecureStream.MAX_FRAME, ra);
    SecureStream b = new SecureStream(false, kb, null, null, SecureStream.MAX_FRAME, rb);

    void pump() {
        for (int i = 0; i < 10; i++) {
            byte[] x = a.takeOutput();
            byte[] y = b.takeOutput();
            if (x.length == 0 && y.length == 0) {
                return;
            }
            b.receive(x, 0, x.length);
            a.receive(y, 0, y.length);
        }
    }

    @Test
    void handshakeExposesKeysAndEqualHashes() {
        pump();
        assertThat(a.isEstablished()).isTrue();
        assertThat(b.isEstablished()).isTrue();
        assertThat(ra.remoteKey).isEqualTo(kb.publicKey());
        assertThat(rb.remoteKey).isEqualTo(ka.publicKey());
        assertThat(ra.hash).hasSize(64).isEqualTo(rb.hash);
    }

    @Test
    void handshakeFrameSizesAre32And96And64WithUint24Prefix() {
        byte[] m1 = a.takeOutput();
        assertThat(HexFormat.of().formatHex(m1, 0, 3)).isEqualTo("200000");
        assertThat(m1).hasSize(35);
        b.receive(m1, 0, m1.length);
        byte[] m2 = b.takeOutput();
        assertThat(HexFormat.of().formatHex(m2, 0, 3)).isEqualTo("600000");
        assertThat(m2).hasSize(99);
        a.receive(m2, 0, m2.length);
        byte[] m3 = a.takeOutput();
        // msg3 then the initiator's id+header frame right away
        assertThat(HexFormat.of().formatHex(m3, 0, 3)).isEqualTo("400000");
        assertThat(m3).hasSize(67 + 59);
        assertThat(HexFormat.of().formatHex(m3, 67, 70)).isEqualTo("380000");
    }

    @Test
    void messagesBothWaysQueuedBeforeTheHandshakeAndFedByteByByte() {
        a.send("early".getBytes());
        byte[][] big = {new byte[70_000], new byte[1]};
        Arrays.fill(big[0], (byte) 7);
        for (int round = 0; round < 10; round++) {
            byte[] x = a.takeOutput();
            byte[] y = b.takeOutput();
            if (x.length == 0 && y.length == 0) {
                break;
            }
            for (int i = 0; i < x.length; i++) {
                b.receive(x, i, 1);
            }
            a.receive(y, 0, y.length);
        }
        b.send(big[0]);
        b.send(big[1]);
        b.send(new byte[0]); // keep-alive: dropped on receipt
        a.send("late".getBytes());
        pump();
        assertThat(rb.messages).extracting(String::new).containsExactly("early", "late");
        assertThat(ra.messages).hasSize(2);
        assertThat(ra.messages.get(0)).isEqualTo(big[0]);
    }

    @Test
    void allowListRefusesAnUnknownPeer() {
        b = new SecureStream(false, kb, null, k -> Arrays.equals(k, kb.publicKey()), SecureStream.MAX_FRAME, rb);
        byte[] x = a.takeOutput();
        b.receive(x, 0, x.length);
        byte[] y = b.takeOutput();
        a.receive(y, 0, y.length);
        byte[] z = a.takeOutput();
        assertThatThrownBy(() -> b.receive(z, 0, z.length)).isInstanceOf(HypercoreException.class).hasMessageContaining("peer refused");
        assertThat(b.takeOutput()).isEmpty();
        assertThat(rb.remoteKey).isNull();
    }

    @Test
    void allowListAdmitsAKnownPeer() {
        a = new SecureStream(true, ka, null, k -> Arrays.equals(k, kb.publicKey()), SecureStream.MAX_FRAME, ra);
        pump();
        assertThat(a.isEstablished()).isTrue();
        assertThat(ra.remoteKey).isEqualTo(kb.publicKey());
    }

    /** The eight points of small order (and non-canonical encodings of some), as libsodium's blocklist. */
    static final String[] SMALL_ORDER = {
        "0100000000000000000000000000000000000000000000000000000000000000", // identity
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
        "0000000000000000000000000000000000000000000000000000000000000080", // order 4
        "0000000000000000000000000000000000000000000000000000000000000000", // order 4
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    };

    @Test
    void lowOrderPointsAreRefused() {
        byte[] seed = new byte[32];
        for (String p : SMALL_ORDER) {
            assertThatThrownBy(() -> Ed25519Dh.dh(seed, HexFormat.of().parseHex(p)))
                    .as(p).isInstanceOf(HypercoreException.class).hasMessageContaining("invalid public key");
        }
    }

    @Test
    void nonCanonicalAndOffCurveKeysAreRefused() {
        byte[] seed = new byte[32];
        // y = p + 1 (non-canonical encoding of y = 1)
        byte[] nonCanonical = HexFormat.of().parseHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertThatThrownBy(() -> Ed25519Dh.dh(seed, nonCanonical)).hasMessageContaining("not a canonical encoding");
        // y = 2 is not on the curve (x^2 = (y^2-1)/(d y^2+1) has no root)
        byte[] offCurve = new byte[32];
        offCurve[0] = 2;
        assertThatThrownBy(() -> Ed25519Dh.dh(seed, offCurve)).hasMessageContaining("invalid public key");
        assertThatThrownBy(() -> Ed25519Dh.dh(seed, new byte[31])).hasMessageContaining("31 bytes");
    }

    @Test
    void aLowOrderEphemeralKeyInTheHandshakeClosesTheConnection() {
        a.takeOutput();
        byte[] forged = new byte[35];
        forged[0] = 32;
        System.arraycopy(HexFormat.of().parseHex(SMALL_ORDER[4]), 0, forged, 3, 32);
        // the responder's DH with the low-order ephemeral key fails: the connection ends, nothing is sent
        assertThatThrownBy(() -> b.receive(forged, 0, forged.length)).hasMessageContaining("small order");
        assertThat(b.failure()).contains("invalid public key");
        assertThat(b.takeOutput()).isEmpty();
    }
}
