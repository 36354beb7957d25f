package dev.hardlight.cli;

import dev.hardlight.RpcException;
import dev.hardlight.internal.codec.ByteBufWireWriter;
import dev.hardlight.internal.schema.Schema;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.service.ArgumentWriter;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hardlight call URL METHOD [ARGS]}: one call, arguments and result in JSON (docs/json.md). */
@Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Calls one method with JSON arguments and prints the result as JSON.",
                "The result is printed in the JSON form of docs/json.md; an error with its status "
                + "and declared exception on standard error.",
                "Exit codes: 0 done; 2 usage (bad JSON, unknown method, arguments that do not fit); 3 cannot connect, "
                + "UNAVAILABLE, CONNECTION_LOST; 4 contract (schema withheld, INCOMPATIBLE, UNIMPLEMENTED); "
                + "5 a declared exception (APPLICATION_ERROR); 6 refused (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, "
                + "UNAUTHENTICATED, ...); 7 DEADLINE_EXCEEDED, CANCELLED; 8 server failure (INTERNAL, UNKNOWN, ...)."})
final class CallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "the server, e.g. wss://localhost:8443/hl")
    String url;

    @Parameters(index = "1", paramLabel = "METHOD", description = "the method's name")
    String method;

    @Parameters(index = "2", paramLabel = "ARGS", arity = "0..1", defaultValue = "[]",
            description = "the arguments: a JSON array in parameter order, or an object by parameter name; "
                    + "'-' reads them from standard input (default: ${DEFAULT-VALUE})")
    String args;

    @Option(names = "--compact", description = "print the result on one line")
    boolean compact;

    @Mixin
    Remote remote;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Object json = parseArgs(args);
        URI u = Remote.url(url);
        ClientOptions options = remote.options(u, err, 0);
        DynamicContract c = remote.contract(u, options);
        MethodDescriptor<Object> m = method(c, method);
        byte[] encoded = encode(c, m, json);
        try (RpcChannel channel = remote.connect(u, options, c)) {
            Object result;
            try {
                result = channel.call(m, raw(encoded), remote.deadline());
            } catch (DynamicContract.DeclaredException e) {
                err.println("error: APPLICATION_ERROR: " + e.type + ": " + e.getMessage());
                err.flush();
                return Exits.APPLICATION;
            } catch (RpcException e) {
                err.println("error: " + e.status() + ": " + e.getMessage());
                err.flush();
                return Exits.of(e.status());
            }
            out.println(compact ? Json.print(result) : Json.pretty(result));
            out.flush();
            return Exits.OK;
        }
    }

    /** The arguments' JSON: {@code -} reads standard input. */
    static Object parseArgs(String text) throws IOException {
        if (text.equals("-")) {
            text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            return Json.parse(text);
        } catch (Json.ParseException e) {
            throw new Remote.UsageException("ARGS: " + e.getMessage());
        }
    }

    /** The method named {@code name}, or a usage error listing the closest names. */
    static MethodDescriptor<Object> method(DynamicContract c, String name) {
        MethodDescriptor<Object> m = c.method(name);
        if (m == null) {
            String hint = Suggest.hint(name, c.methodNames());
            throw new Remote.UsageException("service " + c.schema.service() + " has no method '" + name + "'"
                    + (hint.isEmpty() ? "; its methods: " + String.join(", ", c.methodNames()) : hint));
        }
        return m;
    }

    /** The arguments encoded as a CALL carries them; a usage error when they do not fit the parameters. */
    static byte[] encode(DynamicContract c, MethodDescriptor<Object> m, Object json) {
        Schema.Method sm = c.schema.methods().get(m.name());
        ByteBuf buf = Unpooled.buffer();
        try {
            c.json.writeArguments(sm, json, new ByteBufWireWriter(buf));
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } catch (WireJson.MismatchException e) {
            throw new Remote.UsageException("ARGS: " + e.getMessage());
        } finally {
            buf.release();
        }
    }

    static ArgumentWriter raw(byte[] encoded) {
        return out -> out.writeRaw(encoded, 0, encoded.length);
    }
}
