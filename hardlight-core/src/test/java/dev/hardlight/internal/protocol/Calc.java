package dev.hardlight.internal.protocol;

import dev.hardlight.codec.Codecs;
import dev.hardlight.service.DeclaredError;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.ServiceDescriptor;
import dev.hardlight.service.ServiceDispatcher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * A hand-written contract for the sans-I/O tests (core cannot use the processor): what the processor
 * generates for such an interface, reduced to what the sessions need.
 */
interface Calc {
    int add(int a, int b);

    void check(String s) throws CalcException;

    String echo(String s);

    int await() throws InterruptedException;

    final class CalcException extends Exception {
        private static final long serialVersionUID = 1L;

        public CalcException(String message) {
            super(message);
        }
    }

    /**
     * A handler that adds, checks nothing, echoes and answers 42 from {@code await}: tests override only
     * the methods their scenario is about.
     */
    class Simple implements Calc {
        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public void check(String s) throws CalcException {}

        @Override
        public String echo(String s) {
            return s;
        }

        @Override
        public int await() throws InterruptedException {
            return 42;
        }
    }

    MethodDescriptor<Integer> ADD = new MethodDescriptor<>(0, "add", 0x1111L, Codecs.INT, List.of());
    MethodDescriptor<Void> CHECK = new MethodDescriptor<>(1, "check", 0x2222L, Codecs.VOID,
            List.of(new DeclaredError(CalcException.class, CalcException::new)));
    MethodDescriptor<String> ECHO = new MethodDescriptor<>(2, "echo", 0x3333L, Codecs.STRING, List.of());
    MethodDescriptor<Integer> AWAIT = new MethodDescriptor<>(3, "await", 0x4444L, Codecs.INT, List.of());

    ServiceDispatcher<Calc> DISPATCHER = (h, methodId, in, out) -> {
        switch (methodId) {
            case 0 -> {
                int a = in.readInt();
                int b = in.readInt();
                in.expectEnd("arguments of add");
                out.writeInt(h.add(a, b));
            }
            case 1 -> {
                String s = in.readString();
                in.expectEnd("arguments of check");
                h.check(s);
            }
            case 2 -> {
                String s = in.readString();
                in.expectEnd("arguments of echo");
                out.writeString(h.echo(s));
            }
            case 3 -> {
                in.expectEnd("arguments of await");
                out.writeInt(h.await());
            }
            default -> throw new IllegalStateException();
        }
    };

    /** The schema text the processor would write for this interface. */
    String SCHEMA = """
            service Calc
            method add(a:int,b:int):int
            method check(s:string):void throws dev.hardlight.internal.protocol.Calc.CalcException
            method echo(s:string):string
            method await():int
            """;

    ServiceDescriptor<Calc> DESCRIPTOR = new ServiceDescriptor<>(Calc.class, "Calc", sha256(SCHEMA), SCHEMA,
            List.of(ADD, CHECK, ECHO, AWAIT), DISPATCHER);

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
