package dev.hardlight.internal.protocol;

import dev.hardlight.Metadata;
import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.codec.WireReader;
import dev.hardlight.internal.codec.ByteBufWireReader;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.codec.Varint;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The metadata block of CALL_META, RESULT_META and ERROR_META ({@code docs/protocol.md} 3.2):
 * {@code count:varint { key:string value:bytes }*}, {@code 1 <= count <= 32}, keys valid and unique,
 * the value of a key not ending in {@code -bin} valid UTF-8, keys and values at most 8192 bytes in all.
 */
public final class MetadataCodec {
    private MetadataCodec() {}

    /** Why a metadata block was refused: a status ({@code INVALID_ARGUMENT} or {@code RESOURCE_EXHAUSTED}) and a reason. */
    public static final class BadMetadata extends RpcException {
        private static final long serialVersionUID = 1L;

        BadMetadata(Status status, String message) {
            super(status, message);
        }
    }

    /** Writes a non-empty metadata block (an empty one has no spelling: the plain frame is sent instead). */
    public static void write(ByteBuf buf, Metadata metadata) {
        if (metadata.isEmpty()) {
            throw new IllegalArgumentException("empty metadata is sent as the plain frame");
        }
        Varint.writeVarInt(buf, metadata.size());
        ByteBufWireWriter w = new ByteBufWireWriter(buf);
        for (String key : metadata.keys()) {
            w.writeString(key);
            if (Metadata.isBinaryKey(key)) {
                w.writeBytes(metadata.getBinary(key));
            } else {
                w.writeString(metadata.get(key));
            }
        }
    }

    /**
     * Reads a metadata block at the buffer's reader index and leaves the index after it.
     *
     * @throws BadMetadata {@code RESOURCE_EXHAUSTED} over the limits (checked before the entries
     *     beyond them are read), {@code INVALID_ARGUMENT} when malformed (count 0, truncated, bad or
     *     repeated key, a string value not UTF-8)
     */
    public static Metadata read(ByteBuf buf) {
        WireReader r = new ByteBufWireReader(buf);
        try {
            int count = r.readVarInt();
            if (count == 0) {
                throw new BadMetadata(Status.INVALID_ARGUMENT, "bad metadata: count 0 (send the frame without metadata)");
            }
            if (count > Metadata.MAX_ENTRIES) {
                throw new BadMetadata(Status.RESOURCE_EXHAUSTED, "metadata over the limit: " + count + " entries, at most "
                        + Metadata.MAX_ENTRIES);
            }
            Metadata.Builder b = Metadata.builder();
            Set<String> seen = new HashSet<>();
            int size = 0;
            for (int i = 0; i < count; i++) {
                String key = r.readString();
                String problem = Metadata.keyProblem(key);
                if (problem != null) {
                    throw new BadMetadata(Status.INVALID_ARGUMENT, "bad metadata: " + problem);
                }
                if (!seen.add(key)) {
                    throw new BadMetadata(Status.INVALID_ARGUMENT, "bad metadata: key '" + key + "' repeated");
                }
                size += key.length();
                if (size > Metadata.MAX_SIZE) {
                    throw overSize();
                }
                if (Metadata.isBinaryKey(key)) {
                    byte[] v = r.readBytes();
                    size += v.length;
                    if (size > Metadata.MAX_SIZE) {
                        throw overSize();
                    }
                    b.put(key, v);
                } else {
                    String v = r.readString();
                    size += utf8Bytes(v); // valid UTF-8 re-encodes to the bytes it was read from
                    if (size > Metadata.MAX_SIZE) {
                        throw overSize();
                    }
                    b.put(key, v);
                }
            }
            return b.build();
        } catch (BadMetadata e) {
            throw e;
        } catch (RpcException e) {
            throw new BadMetadata(Status.INVALID_ARGUMENT, "bad metadata: " + e.getMessage());
        }
    }

    private static int utf8Bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static BadMetadata overSize() {
        return new BadMetadata(Status.RESOURCE_EXHAUSTED, "metadata over the limit: more than " + Metadata.MAX_SIZE + " bytes");
    }
}
