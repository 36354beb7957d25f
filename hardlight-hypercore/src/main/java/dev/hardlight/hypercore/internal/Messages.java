package dev.hardlight.hypercore.internal;

import dev.hardlight.hypercore.Message;
import dev.hardlight.hypercore.Message.Bitfield;
import dev.hardlight.hypercore.Message.Cancel;
import dev.hardlight.hypercore.Message.Data;
import dev.hardlight.hypercore.Message.DataBlock;
import dev.hardlight.hypercore.Message.DataHash;
import dev.hardlight.hypercore.Message.DataSeek;
import dev.hardlight.hypercore.Message.DataUpgrade;
import dev.hardlight.hypercore.Message.Extension;
import dev.hardlight.hypercore.Message.NoData;
import dev.hardlight.hypercore.Message.Node;
import dev.hardlight.hypercore.Message.Range;
import dev.hardlight.hypercore.Message.Request;
import dev.hardlight.hypercore.Message.RequestBlock;
import dev.hardlight.hypercore.Message.RequestSeek;
import dev.hardlight.hypercore.Message.RequestUpgrade;
import dev.hardlight.hypercore.Message.Sync;
import dev.hardlight.hypercore.Message.Unwant;
import dev.hardlight.hypercore.Message.Want;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes {@link Message}s exactly as hypercore 10's {@code messages.js} ({@code wire.*}). Stateless. */
public final class Messages {
    private Messages() {}

    /** Number of message types of hypercore 10. */
    public static final int TYPES = 10;

    public static byte[] encode(Message m) {
        CompactWriter w = new CompactWriter(64);
        switch (m) {
            case Sync s -> w.uint((s.canUpgrade() ? 1 : 0) | (s.uploading() ? 2 : 0) | (s.downloading() ? 4 : 0) | (s.hasManifest() ? 8 : 0))
                    .uint(s.fork()).uint(s.length()).uint(s.remoteLength());
            case Request r -> {
                w.uint((r.block() != null ? 1 : 0) | (r.hash() != null ? 2 : 0) | (r.seek() != null ? 4 : 0) | (r.upgrade() != null ? 8 : 0)
                        | (r.manifest() ? 16 : 0) | (r.priority() != 0 ? 32 : 0));
                w.uint(r.id()).uint(r.fork());
                if (r.block() != null) {
                    w.uint(r.block().index()).uint(r.block().nodes());
                }
                if (r.hash() != null) {
                    w.uint(r.hash().index()).uint(r.hash().nodes());
                }
                if (r.seek() != null) {
                    w.uint(r.seek().bytes()).uint(r.seek().padding());
                }
                if (r.upgrade() != null) {
                    w.uint(r.upgrade().start()).uint(r.upgrade().length());
                }
                if (r.priority() != 0) {
                    w.uint(r.priority());
                }
            }
            case Cancel c -> w.uint(c.request());
            case Data d -> {
                w.uint((d.block() != null ? 1 : 0) | (d.hash() != null ? 2 : 0) | (d.seek() != null ? 4 : 0) | (d.upgrade() != null ? 8 : 0)
                        | (d.manifest() != null ? 16 : 0));
                w.uint(d.request()).uint(d.fork());
                if (d.block() != null) {
                    w.uint(d.block().index()).buffer(d.block().value());
                    nodes(w, d.block().nodes());
                }
                if (d.hash() != null) {
                    w.uint(d.hash().index());
                    nodes(w, d.hash().nodes());
                }
                if (d.seek() != null) {
                    w.uint(d.seek().bytes());
                    nodes(w, d.seek().nodes());
                }
                if (d.upgrade() != null) {
                    DataUpgrade u = d.upgrade();
                    w.uint(u.start()).uint(u.length());
                    nodes(w, u.nodes());
                    nodes(w, u.additionalNodes());
                    w.buffer(u.signature());
                }
                if (d.manifest() != null) {
                    w.raw(d.manifest());
                }
            }
            case NoData n -> w.uint(n.request());
            case Want x -> w.uint(x.start()).uint(x.length());
            case Unwant x -> w.uint(x.start()).uint(x.length());
            case Bitfield b -> w.uint(b.start()).uint32array(b.bitfield());
            case Range r -> {
                w.uint((r.drop() ? 1 : 0) | (r.length() == 1 ? 2 : 0)).uint(r.start());
                if (r.length() != 1) {
                    w.uint(r.length());
                }
            }
            case Extension e -> w.string(e.name()).raw(e.message());
        }
        return w.toByteArray();
    }

    private static void nodes(CompactWriter w, List<Node> nodes) {
        w.uint(nodes.size());
        for (Node n : nodes) {
            w.uint(n.index()).uint(n.size()).fixed32(n.hash());
        }
    }

    /**
     * Decodes a message of a known type, or returns null for a type above 9 (newer peers may send more).
     *
     * @throws MalformedException if the bytes do not decode or bytes are left over
     */
    public static Message decode(int type, byte[] payload) {
        CompactReader r = new CompactReader(payload);
        Message m = switch (type) {
            case 0 -> {
                int f = flags(r, "sync");
                yield new Sync(r.uint("fork"), r.uint("length"), r.uint("remoteLength"), (f & 1) != 0, (f & 2) != 0, (f & 4) != 0, (f & 8) != 0);
            }
            case 1 -> {
                int f = flags(r, "request");
                long id = r.uint("request id");
                long fork = r.uint("fork");
                RequestBlock block = (f & 1) != 0 ? new RequestBlock(r.uint("block index"), r.uint("block nodes")) : null;
                RequestBlock hash = (f & 2) != 0 ? new RequestBlock(r.uint("hash index"), r.uint("hash nodes")) : null;
                RequestSeek seek = (f & 4) != 0 ? new RequestSeek(r.uint("seek bytes"), r.uint("seek padding")) : null;
                RequestUpgrade up = (f & 8) != 0 ? new RequestUpgrade(r.uint("upgrade start"), r.uint("upgrade length")) : null;
                long priority = (f & 32) != 0 ? r.uint("priority") : 0;
                yield new Request(id, fork, block, hash, seek, up, (f & 16) != 0, priority);
            }
            case 2 -> new Cancel(r.uint("request"));
            case 3 -> {
                int f = flags(r, "data");
                long req = r.uint("request");
                long fork = r.uint("fork");
                DataBlock block = (f & 1) != 0 ? new DataBlock(r.uint("block index"), r.buffer("block value"), nodes(r)) : null;
                DataHash hash = (f & 2) != 0 ? new DataHash(r.uint("hash index"), nodes(r)) : null;
                DataSeek seek = (f & 4) != 0 ? new DataSeek(r.uint("seek bytes"), nodes(r)) : null;
                DataUpgrade up = (f & 8) != 0
                        ? new DataUpgrade(r.uint("upgrade start"), r.uint("upgrade length"), nodes(r), nodes(r), r.buffer("signature"))
                        : null;
                byte[] manifest = (f & 16) != 0 ? r.rest() : null;
                if (manifest != null && manifest.length == 0) {
                    throw new MalformedException("truncated manifest");
                }
                yield new Data(req, fork, block, hash, seek, up, manifest);
            }
            case 4 -> new NoData(r.uint("request"));
            case 5 -> new Want(r.uint("start"), r.uint("length"));
            case 6 -> new Unwant(r.uint("start"), r.uint("length"));
            case 7 -> new Bitfield(r.uint("start"), r.uint32array("bitfield"));
            case 8 -> {
                int f = flags(r, "range");
                long start = r.uint("start");
                yield new Range((f & 1) != 0, start, (f & 2) != 0 ? 1 : r.uint("length"));
            }
            case 9 -> new Extension(r.string("extension name"), r.rest());
            default -> null;
        };
        // JS ignores trailing bytes; we do too, for forward compatibility (new optional fields go at the end).
        return m;
    }

    private static int flags(CompactReader r, String what) {
        long f = r.uint(what + " flags");
        return (int) Math.min(f, Integer.MAX_VALUE);
    }

    private static List<Node> nodes(CompactReader r) {
        int n = r.count("nodes", 34);
        List<Node> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Node(r.uint("node index"), r.uint("node size"), r.fixed32("node hash")));
        }
        return List.copyOf(out);
    }
}
