package dev.hardlight.cli;

import dev.hardlight.RpcException;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.service.MethodDescriptor;
import dev.hardlight.service.RpcChannel;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hardlight watch URL}: the connection state and the events, as JSON lines. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints a connection's state, state changes and events as JSON lines.",
                "Connects and prints, one JSON object per line: the state snapshot {\"state\": ...}, the result "
                + "of each --call {\"call\": M, \"result\": ...} (or \"error\"), every state change {\"state\": ..., "
                + "\"changed\": [...]} and every event {\"event\": ..., \"topic\": ...} as they arrive. Runs until the "
                + "connection closes, --count lines of changes and events were printed, --for has passed, or Ctrl-C."})
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "the server, e.g. wss://localhost:8443/hl")
    String url;

    @Option(names = "--call", arity = "2", paramLabel = "METHOD ARGS",
            description = "make this call first (e.g. one that subscribes the connection to a topic); repeatable, "
                    + "made in order. ARGS as for 'hardlight call'")
    List<String> calls = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", description = "stop after N state changes and events")
    long count = -1;

    @Option(names = "--for", paramLabel = "DURATION", description = "stop after this time (e.g. 30s)")
    String forTime;

    @Mixin
    Remote remote;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI u = Remote.url(url);
        Duration limit = forTime == null ? null : Remote.duration("--for", forTime);
        ClientOptions options = remote.options(u, err, 0);
        DynamicContract c = remote.contract(u, options);
        List<MethodDescriptor<Object>> methods = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < calls.size(); i += 2) {
            MethodDescriptor<Object> m = CallCommand.method(c, calls.get(i));
            methods.add(m);
            encoded.add(CallCommand.encode(c, m, CallCommand.parseArgs(calls.get(i + 1))));
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong printed = new AtomicLong();
        try (RpcChannel channel = remote.connect(u, options, c)) {
            synchronized (out) {
                if (c.schema.state() != null) {
                    line(out, Map.of("state", channel.state()));
                }
                channel.addStateListener((before, after) -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("state", after);
                    List<Object> changed = new ArrayList<>();
                    ((Map<?, ?>) after).forEach((k, v) -> {
                        if (!Objects.equals(v, ((Map<?, ?>) before).get(k))) {
                            changed.add(k);
                        }
                    });
                    o.put("changed", changed);
                    counted(out, o, printed, done);
                });
                channel.addEventListener(e -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", e.value());
                    o.put("topic", WireJson.topic(e.topic()));
                    if (e.missedBefore() > 0) {
                        o.put("missedBefore", e.missedBefore());
                    }
                    counted(out, o, printed, done);
                });
            }
            for (int i = 0; i < methods.size(); i++) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("call", methods.get(i).name());
                try {
                    o.put("result", channel.call(methods.get(i), CallCommand.raw(encoded.get(i)), remote.deadline()));
                } catch (DynamicContract.DeclaredException e) {
                    o.put("error", Map.of("status", "APPLICATION_ERROR", "exception", e.type, "message", e.getMessage()));
                } catch (RpcException e) {
                    Map<String, Object> er = new LinkedHashMap<>();
                    er.put("status", e.status().name());
                    er.put("message", e.getMessage());
                    o.put("error", er);
                }
                synchronized (out) {
                    line(out, o);
                }
            }
            long end = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
            while (channel.isOpen() && System.nanoTime() < end && !done.await(100, TimeUnit.MILLISECONDS)) {
                // wait
            }
            if (!channel.isOpen() && done.getCount() > 0) {
                err.println("hardlight watch: the connection closed");
                err.flush();
                return Exits.UNAVAILABLE;
            }
        }
        return Exits.OK;
    }

    private void counted(PrintWriter out, Map<String, Object> o, AtomicLong printed, CountDownLatch done) {
        synchronized (out) {
            if (count >= 0 && printed.get() >= count) {
                return;
            }
            line(out, o);
            if (count >= 0 && printed.incrementAndGet() >= count) {
                done.countDown();
            }
        }
    }

    private static void line(PrintWriter out, Object o) {
        out.println(Json.print(o));
        out.flush();
    }
}
