package dev.hardlight.cli;

import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.protocol.Frames;
import dev.hardlight.internal.protocol.Hello;
import dev.hardlight.internal.schema.Schema;
import dev.hardlight.netty.Recording;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of one recording's frames in JSON (docs/json.md): call arguments by parameter name,
 * results, events and state changes, decoded with the schema of the recorded HELLO (extension 4) or
 * one given. Frames are fed in recording order; calls are matched to their answers by call id.
 */
final class ReplayValues {
    private DynamicContract contract;
    private final boolean given;
    private final Map<Integer, String> methodsById = new HashMap<>();
    private final Map<Integer, String> pending = new HashMap<>();

    /** @param contract the schema to use whatever the HELLO says, or {@code null} to take the HELLO's */
    ReplayValues(DynamicContract contract) {
        this.contract = contract;
        this.given = contract != null;
    }

    /** Whether values can be decoded (a schema is known). */
    boolean hasSchema() {
        return contract != null;
    }

    /** The JSON text of the frame's values, or {@code null} when it has none to show. */
    String values(Recording.Frame f) {
        byte[] message = f.message();
        if (message.length == 0) {
            return null;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(message);
        try {
            if (f.type().equals("HELLO")) {
                hello(buf);
                return null;
            }
            if (contract == null) {
                return null;
            }
            Frames.readType(buf);
            WireReader in = new ByteBufWireReader(buf); // the values, after each frame's header
            WireJson json = contract.json;
            Schema schema = contract.schema;
            switch (f.type()) {
                case "CALL" -> {
                    long header = Frames.readCallHeader(buf);
                    int callId = Frames.callId(header);
                    String name = methodsById.get(Frames.methodId(header));
                    Schema.Method m = name == null ? null : schema.methods().get(name);
                    if (m == null) {
                        return null;
                    }
                    pending.put(callId, name);
                    Map<String, Object> args = new LinkedHashMap<>();
                    for (Schema.Field p : m.params()) {
                        args.put(p.name(), in.hasMore() ? json.read(p.type(), in) : json.zero(p.type()));
                    }
                    return Json.print(args);
                }
                case "RESULT" -> {
                    String name = pending.remove(Frames.readAnswerHeader(buf));
                    Schema.Method m = name == null ? null : schema.methods().get(name);
                    if (m == null || m.result().equals("void")) {
                        return null;
                    }
                    return Json.print(json.read(m.result(), in));
                }
                case "ERROR" -> {
                    Frames.ErrorBody e = Frames.readErrorBody(buf);
                    String name = pending.remove(e.callId());
                    int declared = e.declaredIndex();
                    Schema.Method m = name == null ? null : schema.methods().get(name);
                    return m != null && declared > 0 && declared <= m.exceptions().size()
                            ? Json.print(Map.of("exception", m.exceptions().get(declared - 1))) : null;
                }
                case "EVENT" -> {
                    Frames.readEventHeader(in);
                    return schema.events() == null ? null : Json.print(json.read(schema.events(), in));
                }
                case "STATE_DELTA" -> {
                    if (schema.state() == null) {
                        return null;
                    }
                    Schema.Record state = (Schema.Record) schema.types().get(schema.state());
                    int count = Frames.readStateDeltaHeader(buf);
                    Map<String, Object> changed = new LinkedHashMap<>();
                    for (int i = 0; i < count; i++) {
                        int field = in.readVarInt();
                        if (field >= state.components().size()) {
                            break;
                        }
                        Schema.Field c = state.components().get(field);
                        changed.put(c.name(), json.read(c.type(), in));
                    }
                    return Json.print(changed);
                }
                default -> {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            return "(cannot decode: " + e.getMessage() + ")";
        }
    }

    private void hello(ByteBuf buf) {
        Hello h = Frames.readHello(buf);
        methodsById.clear();
        for (Hello.MethodEntry m : h.methods()) {
            methodsById.put(m.id(), m.name());
        }
        if (given) {
            return;
        }
        for (Hello.Extension e : h.extensions()) {
            if (e.tag() == 4) {
                contract = new DynamicContract(new String(e.value(), StandardCharsets.UTF_8));
            }
        }
    }
}
