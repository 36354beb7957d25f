package dev.hardlight.netty;

import dev.hardlight.Connection;
import dev.hardlight.UpgradeRequest;
import java.util.concurrent.atomic.AtomicInteger;

/** One per connection; counts the gated methods it runs in {@code gatedRuns}, shared by a server's handlers. */
final class GatedHandler implements Gated {
    private final Connection connection;
    private final AtomicInteger gatedRuns;

    GatedHandler(Connection connection, AtomicInteger gatedRuns) {
        this.connection = connection;
        this.gatedRuns = gatedRuns;
    }

    @Override
    public String login(String user) {
        connection.attach(user);
        connection.features().enable("authenticated");
        return user;
    }

    @Override
    public void logout() {
        connection.attach(null);
        connection.features().disable("authenticated");
    }

    @Override
    public String whoami() {
        String user = connection.attachment(String.class);
        return user == null ? "anonymous" : user;
    }

    @Override
    public int secret(int x) {
        gatedRuns.incrementAndGet();
        return x * 2;
    }

    @Override
    public String echo(String text) {
        gatedRuns.incrementAndGet();
        return text;
    }

    @Override
    public String request(String what) {
        return describe(connection.request(), what);
    }

    static String describe(UpgradeRequest r, String what) {
        if (r == null) {
            return "no request";
        }
        int colon = what.indexOf(':');
        String kind = colon < 0 ? what : what.substring(0, colon);
        String name = colon < 0 ? "" : what.substring(colon + 1);
        return switch (kind) {
            case "header" -> r.header(name).orElse("-");
            case "cookie" -> r.cookie(name).orElse("-");
            case "query" -> r.queryParameter(name).orElse("-");
            case "path" -> r.path();
            case "remote" -> String.valueOf(r.remoteAddress());
            default -> "?";
        };
    }
}
