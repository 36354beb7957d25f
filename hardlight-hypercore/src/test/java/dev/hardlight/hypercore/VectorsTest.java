package dev.hardlight.hypercore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.hypercore.internal.CompactWriter;
import dev.hardlight.hypercore.internal.Crypto;
import dev.hardlight.hypercore.internal.Ed25519Dh;
import dev.hardlight.hypercore.internal.Keys;
import dev.hardlight.hypercore.internal.NoiseXX;
import dev.hardlight.hypercore.internal.SecretStreamCipher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every vector of {@code hypercore-vectors.json} (produced by the real JS packages; a copy of
 * {@code shared/reference/hypercore-vectors.json}) reproduced byte for byte.
 */
@Timeout(30)
class VectorsTest {
    static final HexFormat HEX = HexFormat.of();
    static Map<String, Object> v;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (InputStream in = VectorsTest.class.getResourceAsStream("hypercore-vectors.json")) {
            v = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static byte[] hex(Object o, String key) {
        return HEX.parseHex(Json.str(o, key));
    }

    @Test
    void secretStreamNamespaces() {
        Map<String, Object> ns = Json.obj(v, "ns_secretstream");
        assertThat(Keys.nsInitiator()).isEqualTo(hex(ns, "NS_INITIATOR"));
        assertThat(Keys.nsResponder()).isEqualTo(hex(ns, "NS_RESPONDER"));
        assertThat(Keys.nsSend()).isEqualTo(hex(ns, "NS_SEND"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void hypercoreNamespaces() {
        List<String> ns = (List<String>) v.get("ns_hypercore");
        assertThat(ns).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(HEX.formatHex(Keys.hypercoreNs(i))).isEqualTo(ns.get(i));
        }
        assertThat(Crypto.namespace("hypercore", 6)[3]).isEqualTo(HEX.parseHex(ns.get(3)));
    }

    @Test
    void staticKeysFromSeeds() {
        Map<String, Object> n = Json.obj(v, "noise");
        assertThat(Ed25519KeyPair.fromSeed(hex(n, "initiator_static_seed")).publicKey()).isEqualTo(hex(n, "initiator_static_pub"));
        assertThat(Ed25519KeyPair.fromSeed(hex(n, "responder_static_seed")).publicKey()).isEqualTo(hex(n, "responder_static_pub"));
    }

    @Test
    void ed25519DiffieHellmanBothWays() {
        Map<String, Object> n = Json.obj(v, "noise");
        Map<String, Object> dh = Json.obj(v, "dh_ed25519");
        byte[] is = hex(n, "initiator_static_seed");
        byte[] rs = hex(n, "responder_static_seed");
        assertThat(Ed25519Dh.dh(is, Ed25519KeyPair.fromSeed(rs).publicKey())).isEqualTo(hex(dh, "dh_i_r"));
        assertThat(Ed25519Dh.dh(rs, Ed25519KeyPair.fromSeed(is).publicKey())).isEqualTo(hex(dh, "dh_r_i"));
    }

    @Test
    void noiseTranscriptWithFixedKeys() {
        Map<String, Object> n = Json.obj(v, "noise");
        assertThat(NoiseXX.PROTOCOL_NAME).isEqualTo(Json.str(n, "protocolName"));
        NoiseXX i = new NoiseXX(true, Ed25519KeyPair.fromSeed(hex(n, "initiator_static_seed")),
                Ed25519KeyPair.fromSeed(hex(n, "initiator_ephemeral_seed")));
        NoiseXX r = new NoiseXX(false, Ed25519KeyPair.fromSeed(hex(n, "responder_static_seed")),
                Ed25519KeyPair.fromSeed(hex(n, "responder_ephemeral_seed")));
        byte[] m1 = i.send();
        assertThat(m1).isEqualTo(hex(n, "msg1"));
        r.receive(m1);
        byte[] m2 = r.send();
        assertThat(m2).isEqualTo(hex(n, "msg2"));
        i.receive(m2);
        byte[] m3 = i.send();
        assertThat(m3).isEqualTo(hex(n, "msg3"));
        r.receive(m3);
        assertThat(i.isDone()).isTrue();
        assertThat(r.isDone()).isTrue();
        assertThat(i.handshakeHash()).isEqualTo(hex(n, "handshakeHash"));
        assertThat(r.handshakeHash()).isEqualTo(hex(n, "handshakeHash"));
        assertThat(i.tx()).isEqualTo(hex(n, "initiator_tx"));
        assertThat(i.rx()).isEqualTo(hex(n, "initiator_rx"));
        assertThat(r.tx()).isEqualTo(hex(n, "responder_tx"));
        assertThat(r.rx()).isEqualTo(hex(n, "responder_rx"));
        assertThat(i.remoteStaticKey()).isEqualTo(hex(n, "responder_static_pub"));
        assertThat(r.remoteStaticKey()).isEqualTo(hex(n, "initiator_static_pub"));
    }

    @Test
    void theProtocolWritesTheVectorTranscriptFramedWithUint24() {
        Map<String, Object> n = Json.obj(v, "noise");
        Protocol i = Protocol.withEphemeral(true, ProtocolOptions.builder().keyPair(Ed25519KeyPair.fromSeed(hex(n, "initiator_static_seed"))).build(),
                Ed25519KeyPair.fromSeed(hex(n, "initiator_ephemeral_seed")));
        Protocol r = Protocol.withEphemeral(false, ProtocolOptions.builder().keyPair(Ed25519KeyPair.fromSeed(hex(n, "responder_static_seed"))).build(),
                Ed25519KeyPair.fromSeed(hex(n, "responder_ephemeral_seed")));
        byte[] m1 = i.takeOutput();
        assertThat(HEX.formatHex(m1)).isEqualTo("200000" + Json.str(n, "msg1"));
        r.receive(m1);
        byte[] m2 = r.takeOutput();
        assertThat(HEX.formatHex(m2)).isEqualTo("600000" + Json.str(n, "msg2"));
        i.receive(m2);
        byte[] m3 = i.takeOutput();
        // msg3, then the initiator's stream id and (random) header
        assertThat(HEX.formatHex(m3, 0, 67)).isEqualTo("400000" + Json.str(n, "msg3"));
        assertThat(HEX.formatHex(m3, 67, 102)).isEqualTo("380000" + Json.str(Json.obj(v, "streamId"), "initiator"));
        r.receive(m3);
        assertThat(i.handshakeHash()).isEqualTo(hex(n, "handshakeHash")).isEqualTo(r.handshakeHash());
        byte[] header = r.takeOutput();
        assertThat(HEX.formatHex(header, 0, 35)).isEqualTo("380000" + Json.str(Json.obj(v, "streamId"), "responder"));
    }

    @Test
    void streamIds() {
        byte[] hash = hex(Json.obj(v, "noise"), "handshakeHash");
        Map<String, Object> ids = Json.obj(v, "streamId");
        assertThat(Keys.streamId(hash, true)).isEqualTo(hex(ids, "initiator"));
        assertThat(Keys.streamId(hash, false)).isEqualTo(hex(ids, "responder"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void secretStreamFramesPushedAndPulled() {
        Map<String, Object> ss = Json.obj(v, "secretstream");
        byte[] key = hex(ss, "key");
        byte[] header = hex(ss, "header");
        assertThat(((Number) ss.get("ABYTES")).intValue()).isEqualTo(SecretStreamCipher.ABYTES);
        SecretStreamCipher push = SecretStreamCipher.push(key, header);
        SecretStreamCipher pull = SecretStreamCipher.pull(key, header);
        List<Map<String, Object>> msgs = (List<Map<String, Object>>) ss.get("messages");
        assertThat(msgs).hasSize(5);
        for (Map<String, Object> m : msgs) {
            byte[] plain = hex(m, "plain");
            byte[] frame = hex(m, "wire_frame");
            byte[] sealed = new byte[plain.length + SecretStreamCipher.ABYTES];
            push.push(plain, 0, plain.length, sealed, 0);
            byte[] wire = new CompactWriter().uint24(sealed.length).raw(sealed).toByteArray();
            assertThat(HEX.formatHex(wire)).isEqualTo(Json.str(m, "wire_frame"));
            assertThat(pull.pull(frame, 3, frame.length - 3)).isEqualTo(plain);
        }
    }

    @Test
    void discoveryKeyAndCapabilities() {
        Map<String, Object> hc = Json.obj(v, "hypercore");
        byte[] key = hex(hc, "key");
        byte[] hash = hex(Json.obj(v, "noise"), "handshakeHash");
        assertThat(Keys.discoveryKey(key)).isEqualTo(hex(hc, "discoveryKey"));
        assertThat(Keys.capability(true, key, hash)).isEqualTo(hex(hc, "capability_initiator"));
        assertThat(Keys.capability(false, key, hash)).isEqualTo(hex(hc, "capability_responder"));
    }
}
