package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import java.net.URLClassLoader;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Compiles {@link Contracts#ALL} (every supported type) with a driver that round-trips values through
 * the generated client, dispatcher and codecs over Netty buffers, and checks the schema's hashes.
 */
class RoundTripTest {
    /** Runs in the compiled contract's package; throws AssertionError on any mismatch. */
    private static final String DRIVER = """
            package all;

            import dev.hardlight.RpcException;
            import dev.hardlight.Status;
            import dev.hardlight.codec.Codec;
            import dev.hardlight.codec.MissingValueException;
            import dev.hardlight.internal.codec.ByteBufWireReader;
            import dev.hardlight.internal.codec.ByteBufWireWriter;
            import dev.hardlight.service.ArgumentWriter;
            import dev.hardlight.service.MethodDescriptor;
            import dev.hardlight.service.RpcChannel;
            import dev.hardlight.service.ServiceDescriptor;
            import io.netty.buffer.ByteBuf;
            import io.netty.buffer.ByteBufUtil;
            import io.netty.buffer.Unpooled;
            import java.time.Duration;
            import java.time.Instant;
            import java.util.*;
            import java.util.concurrent.CompletableFuture;

            public final class Driver {
                /** Echoes every argument; fail throws its declared exceptions. */
                static final class Echo implements AllTypes {
                    public Prims prims(Prims p) { return p; }
                    public Boxes boxes(Boxes b) { return b; }
                    public Scalars scalars(Scalars s) { return s; }
                    public Containers containers(Containers c) { return c; }
                    public Tree tree(Tree t) { return t; }
                    public Expr expr(Expr e) { return e; }
                    public String maybe(String s, Integer i) { return s == null ? null : s + i; }
                    public int add(int a, long b, double c) { return (int) (a + b + c); }
                    public void nothing() {}
                    public byte[] bytes(byte[] b, int... rest) { return Arrays.copyOf(b, b.length + rest.length); }
                    public Level level(Level l) { return l; }
                    public List<Map<String, List<Tree>>> nested(List<Map<String, List<Tree>>> n) { return n; }
                    public Optional<Tree> optionalTree(Optional<Tree> t) { return t; }
                    public UUID uuid(UUID u, Instant i, Duration d) { return u; }
                    public int fail(int code) throws Failure, java.util.concurrent.TimeoutException {
                        if (code == 1) throw new Failure("one");
                        if (code == 2) throw new java.util.concurrent.TimeoutException("two");
                        if (code == 3) throw new IllegalStateException("three");
                        return code;
                    }
                }

                /**
                 * A channel that runs each call through the generated dispatcher, in memory. A proxy, so it
                 * compiles against every version of RpcChannel.
                 */
                static RpcChannel localChannel() {
                    AllTypes handler = new Echo();
                    return (RpcChannel) java.lang.reflect.Proxy.newProxyInstance(Driver.class.getClassLoader(),
                            new Class<?>[] {RpcChannel.class}, (proxy, m, args) -> switch (m.getName()) {
                                case "view" -> proxy; // the typed view of this very channel
                                case "call" -> call(handler, (MethodDescriptor<?>) args[0], (ArgumentWriter) args[1]);
                                case "callAsync" -> {
                                    try {
                                        yield CompletableFuture.completedFuture(
                                                call(handler, (MethodDescriptor<?>) args[0], (ArgumentWriter) args[1]));
                                    } catch (Exception e) {
                                        yield CompletableFuture.failedFuture(e);
                                    }
                                }
                                case "service" -> AllTypesSchema.DESCRIPTOR;
                                case "isOpen" -> true;
                                default -> null;
                            });
                }

                static <R> R call(AllTypes handler, MethodDescriptor<R> method, ArgumentWriter args) throws Exception {
                    ByteBuf in = Unpooled.buffer();
                    ByteBuf out = Unpooled.buffer();
                    try {
                        args.write(new ByteBufWireWriter(in));
                        AllTypesSchema.DESCRIPTOR.dispatcher().dispatch(handler, method.id(),
                                new ByteBufWireReader(in), new ByteBufWireWriter(out));
                        ByteBufWireReader reader = new ByteBufWireReader(out);
                        R result = method.returnCodec().decode(reader);
                        reader.expectEnd("result");
                        return result;
                    } finally {
                        in.release();
                        out.release();
                    }
                }

                static void check(boolean ok, String what) {
                    if (!ok) throw new AssertionError(what);
                }

                static <T> byte[] bytes(Codec<T> codec, T value) {
                    ByteBuf buf = Unpooled.buffer();
                    try {
                        codec.encode(value, new ByteBufWireWriter(buf));
                        return ByteBufUtil.getBytes(buf);
                    } finally {
                        buf.release();
                    }
                }

                static <T> T decode(Codec<T> codec, byte[] bytes) {
                    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                    try {
                        ByteBufWireReader in = new ByteBufWireReader(buf);
                        T value = codec.decode(in);
                        in.expectEnd("value");
                        return value;
                    } finally {
                        buf.release();
                    }
                }

                /** Encodes, decodes, encodes again: the same bytes (records holding arrays have no deep equals). */
                static <T> T roundTrip(Codec<T> codec, T value) {
                    byte[] first = bytes(codec, value);
                    T back = decode(codec, first);
                    check(Arrays.equals(first, bytes(codec, back)), "re-encoding " + value);
                    return back;
                }

                static String hex(byte[] b) {
                    return HexFormat.of().formatHex(b);
                }

                static void expectThrows(Class<? extends Throwable> type, String message, Runnable r) {
                    try {
                        r.run();
                    } catch (Throwable t) {
                        check(type.isInstance(t) && t.getMessage().contains(message), "unexpected " + t);
                        return;
                    }
                    throw new AssertionError("expected " + type.getSimpleName() + ": " + message);
                }

                public static void run() throws Exception {
                    AllTypesClient client = new AllTypesClient(localChannel());
                    Prims p = new Prims(true, (byte) -7, (short) -300, 'é', Integer.MIN_VALUE, Long.MAX_VALUE, 1.5f, -2.25);
                    check(client.prims(p).equals(p), "prims");
                    check(hex(bytes(AllTypesCodecs.PrimsCodec.INSTANCE, new Prims(true, (byte) 1, (short) -1, 'A', 1, 2, 0f, 0d)))
                            .equals("12" + "010101410204" + "00".repeat(12)), "prims bytes");
                    Boxes b = new Boxes(false, (byte) 3, (short) 4, 'x', 5, 6L, 7f, 8d, null);
                    check(client.boxes(b).equals(b), "boxes");
                    Boxes b2 = new Boxes(false, (byte) 3, (short) 4, 'x', 5, 6L, 7f, 8d, 42);
                    check(client.boxes(b2).equals(b2), "boxes with a value");
                    Scalars s = new Scalars("héllo", new byte[] {1, 2, 3}, Instant.parse("2026-11-24T00:00:00.5Z"),
                            Duration.ofMillis(-1500), UUID.randomUUID(), Level.HIGH, null, Level.LOW);
                    Scalars s2 = client.scalars(s);
                    check(s2.s().equals(s.s()) && Arrays.equals(s2.bytes(), s.bytes()) && s2.at().equals(s.at())
                            && s2.d().equals(s.d()) && s2.id().equals(s.id()) && s2.level() == Level.HIGH
                            && s2.nick() == null && s2.maybeLevel() == Level.LOW, "scalars");
                    Containers c = new Containers(List.of("a", "b"), new LinkedHashSet<>(List.of(3, 1, 2)),
                            Map.of("k", Level.MID), Optional.of("o"), new String[] {"x"}, new Level[] {Level.LOW},
                            new int[] {1, -1}, new long[] {Long.MIN_VALUE}, new boolean[] {true, false},
                            new short[] {Short.MAX_VALUE}, new char[] {'c'}, new float[] {Float.NaN},
                            new double[] {Double.NEGATIVE_INFINITY}, new int[][] {{1}, {}, {2, 3}},
                            Map.of(Level.HIGH, List.of(Optional.empty(), Optional.of("deep"))), List.of(new byte[] {9}));
                    Containers c2 = client.containers(c);
                    check(Arrays.equals(bytes(AllTypesCodecs.ContainersCodec.INSTANCE, c),
                            bytes(AllTypesCodecs.ContainersCodec.INSTANCE, c2)), "containers");
                    check(List.copyOf(c2.set()).equals(List.of(3, 1, 2)) && Arrays.deepEquals(c2.grid(), c.grid())
                            && c2.deep().equals(c.deep()) && c2.opt().equals(Optional.of("o")), "containers values");
                    roundTrip(AllTypesCodecs.ContainersCodec.INSTANCE, c);

                    Tree t = new Tree(1, List.of(new Tree(2, List.of()), new Tree(3, List.of(new Tree(4, List.of())))));
                    check(client.tree(t).equals(t), "tree");
                    check(hex(bytes(AllTypesCodecs.TreeCodec.INSTANCE, new Tree(1, List.of(new Tree(-1, List.of())))))
                            .equals("050201020100"), "tree bytes");
                    Expr e = new Expr.Sum(List.of(new Expr.Num(5), new Expr.Neg(new Expr.Abs(new Expr.Num(-1))),
                            Expr.Const.ONE));
                    check(client.expr(e).equals(e), "expr");
                    check(hex(bytes(AllTypesCodecs.ExprCodec.INSTANCE, new Expr.Neg(new Expr.Num(5)))).equals("020300010a"),
                            "sealed bytes");
                    check(hex(bytes(AllTypesCodecs.ExprCodec.INSTANCE, Expr.Const.ONE)).equals("030101"), "enum in sealed");
                    check(hex(bytes(AllTypesCodecs.ExprCodec.INSTANCE, new Expr.Abs(new Expr.Num(0)))).equals("04050003000100"),
                            "nested sealed");
                    expectThrows(RpcException.class, "unknown tag 5 of sealed all.Expr",
                            () -> decode(AllTypesCodecs.ExprCodec.INSTANCE, new byte[] {5, 0}));
                    expectThrows(RpcException.class, "unknown ordinal 3 of enum all.Level",
                            () -> decode(AllTypesCodecs.LevelCodec.INSTANCE, new byte[] {3}));

                    check(client.maybe(null, null) == null, "maybe null");
                    check(client.maybe("n", null).equals("nnull"), "maybe");
                    check(client.maybe("n", 7).equals("n7"), "maybe 7");
                    check(client.add(1, 2L, 3.9) == 6, "add");
                    client.nothing();
                    check(Arrays.equals(client.bytes(new byte[] {1}, 1, 2), new byte[] {1, 0, 0}), "varargs");
                    check(client.level(Level.MID) == Level.MID, "level");
                    List<Map<String, List<Tree>>> n = List.of(Map.of("a", List.of(t)), Map.of());
                    check(client.nested(n).equals(n), "nested");
                    check(client.optionalTree(Optional.empty()).isEmpty(), "optional empty");
                    check(client.optionalTree(Optional.of(t)).get().equals(t), "optional");
                    UUID u = UUID.randomUUID();
                    check(client.uuid(u, Instant.EPOCH, Duration.ZERO).equals(u), "uuid");
                    check(client.addAsync(1, 1, 1).get() == 3, "async");
                    check(client.nothingAsync().get() == null, "async void");

                    check(client.fail(9) == 9, "fail 9");
                    try {
                        client.fail(1);
                        throw new AssertionError("no Failure");
                    } catch (Failure expected) {
                        check(expected.getMessage().equals("one"), "Failure");
                    }
                    try {
                        client.fail(2);
                        throw new AssertionError("no TimeoutException");
                    } catch (java.util.concurrent.TimeoutException expected) {
                        check(expected.getMessage().equals("two"), "TimeoutException");
                    }
                    expectThrows(IllegalStateException.class, "three", () -> {
                        try {
                            client.fail(3);
                        } catch (Failure | java.util.concurrent.TimeoutException x) {
                            throw new AssertionError(x);
                        }
                    });

                    expectThrows(MissingValueException.class, "argument 't' of AllTypes.tree is null",
                            () -> client.tree(null));
                    expectThrows(MissingValueException.class, "all.Scalars.s is null",
                            () -> client.scalars(new Scalars(null, new byte[0], Instant.EPOCH, Duration.ZERO, u,
                                    Level.LOW, null, null)));
                    expectThrows(MissingValueException.class, "Map is null",
                            () -> client.nested(Arrays.asList((Map<String, List<Tree>>) null)));

                    ByteBuf empty = Unpooled.buffer();
                    try {
                        expectThrows(RpcException.class, "AllTypes has no method with id 99", () -> {
                            try {
                                AllTypesSchema.DESCRIPTOR.dispatcher().dispatch(new Echo(), 99,
                                        new ByteBufWireReader(empty), new ByteBufWireWriter(empty));
                            } catch (RpcException x) {
                                check(x.status() == Status.UNIMPLEMENTED, "status");
                                throw x;
                            } catch (Exception x) {
                                throw new AssertionError(x);
                            }
                        });
                        empty.writeByte(2).writeByte(0);
                        // a byte after the last argument is a newer client's parameter: skipped, the call runs
                        ByteBuf result = Unpooled.buffer();
                        ByteBufWireReader args = new ByteBufWireReader(empty);
                        AllTypesSchema.DESCRIPTOR.dispatcher().dispatch(new Echo(), 10, args, new ByteBufWireWriter(result));
                        check(args.ended() && ByteBufUtil.hexDump(result).equals("02"), "trailing argument skipped");
                    } finally {
                        empty.release();
                    }
                }
            }
            """;

    @Test
    void everySupportedTypeRoundTripsThroughClientDispatcherAndCodecs() throws Exception {
        Map<String, String> sources = new HashMap<>(Contracts.ALL);
        sources.put("all.Driver", DRIVER);
        Compilation c = Compilation.compile(sources);
        assertThat(c.success).as(c.report()).isTrue();
        try (URLClassLoader loader = c.classLoader()) {
            loader.loadClass("all.Driver").getMethod("run").invoke(null);
        }
    }

    @Test
    void fingerprintIsTheHashOfTheSchemaText() throws Exception {
        ServiceDescriptor<?> d = descriptor(Contracts.ALL);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(d.schema().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(d.fingerprint()).isEqualTo(sha);
        assertThat(d.fingerprintHex()).isEqualTo(descriptor(new HashMap<>(Contracts.ALL)).fingerprintHex());
        assertThat(d.name()).isEqualTo("AllTypes");
        assertThat(d.methods()).extracting(MethodDescriptor::name).startsWith("prims", "boxes").hasSize(15);
        assertThat(d.method("fail").declaredErrors()).hasSize(2);
        assertThat(d.schema()).startsWith("service AllTypes\nmethod prims(p:all.Prims):all.Prims\n")
                .contains("record all.Tree(v:int,children:list<all.Tree>)\n");
    }

    @Test
    void changingARecordChangesTheHashesOfExactlyTheMethodsUsingIt() throws Exception {
        Map<String, String> changed = new HashMap<>(Contracts.ALL);
        changed.put("all.Tree", "package all;\nimport java.util.List;\n"
                + "public record Tree(int v, List<Tree> children, String label) {}\n");
        Map<String, Long> before = hashes(descriptor(Contracts.ALL));
        Map<String, Long> after = hashes(descriptor(changed));
        Map<String, Boolean> differs = before.keySet().stream()
                .collect(Collectors.toMap(k -> k, k -> !before.get(k).equals(after.get(k))));
        assertThat(differs).containsEntry("tree", true).containsEntry("nested", true)
                .containsEntry("optionalTree", true)
                .containsEntry("prims", false).containsEntry("expr", false).containsEntry("containers", false)
                .containsEntry("fail", false);
        assertThat(differs.values().stream().filter(x -> x).count()).isEqualTo(3);
        assertThat(descriptor(changed).fingerprintHex()).isNotEqualTo(descriptor(Contracts.ALL).fingerprintHex());
    }

    @Test
    void methodHashIsTheFirstEightBytesOfTheSignatureTextsHash() throws Exception {
        ServiceDescriptor<?> d = descriptor(Contracts.SHOP);
        String signature = "method paint(shape:shop.Shape,color:shop.Color?):void\n"
                + "enum shop.Color{RED,GREEN,BLUE}\n"
                + "sealed shop.Shape{shop.Shape.Circle,shop.Shape.Square}\n"
                + "record shop.Shape.Circle(radius:double)\n"
                + "record shop.Shape.Square(side:double)\n";
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(signature.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(HexFormat.of().toHexDigits(d.method("paint").signatureHash()))
                .isEqualTo(HexFormat.of().formatHex(sha, 0, 8));
        assertThat(d.schema()).isEqualTo("""
                service shop
                method find(name:string):shop.Item throws shop.OutOfStock
                method all():list<shop.Item>
                method paint(shape:shop.Shape,color:shop.Color?):void
                method restock(name:string,count:int):int throws shop.OutOfStock requires authenticated
                enum shop.Color{RED,GREEN,BLUE}
                record shop.Item(name:string,count:int,color:shop.Color?)
                sealed shop.Shape{shop.Shape.Circle,shop.Shape.Square}
                record shop.Shape.Circle(radius:double)
                record shop.Shape.Square(side:double)
                """);
    }

    private static Map<String, Long> hashes(ServiceDescriptor<?> d) {
        return d.methods().stream().collect(Collectors.toMap(MethodDescriptor::name, MethodDescriptor::signatureHash));
    }

    private static ServiceDescriptor<?> descriptor(Map<String, String> sources) throws Exception {
        Compilation c = Compilation.compile(sources);
        assertThat(c.success).as(c.report()).isTrue();
        String schema = c.generated.keySet().stream().filter(k -> k.endsWith("Schema")).findFirst().orElseThrow();
        try (URLClassLoader loader = c.classLoader()) {
            return (ServiceDescriptor<?>) loader.loadClass(schema).getField("DESCRIPTOR").get(null);
        }
    }
}
