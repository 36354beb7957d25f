package dev.hardlight.cli;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import dev.hardlight.netty.ClientOptions;
import dev.hardlight.netty.HardLight;
import dev.hardlight.netty.ServerHello;
import dev.hardlight.service.RpcChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The options every verb that talks to a server shares (a picocli mixin), and the connection they
 * describe: the server's contract from its HELLO (or {@code --schema}), then a client of that
 * contract.
 */
final class Remote {

    /** Exit code: the server could not be reached, or refused the connection. */
    static final int EXIT_UNAVAILABLE = 3;
    /** Exit code: the contract could not be learnt (schema withheld, invalid, or not matching). */
    static final int EXIT_CONTRACT = 4;

    @Option(names = "--pin", paramLabel = "SHA256",
            description = "trust exactly the server certificate with this SHA-256 fingerprint (64 hex digits, ':' allowed), "
                    + "e.g. a self-signed one; the server logs its fingerprint at start")
    String pin;

    @Option(names = "--insecure",
            description = "do not check the server's certificate, or allow a plaintext ws:// URL. "
                    + "Anyone on the network path can read and change the connection: for local tests only")
    boolean insecure;

    @Option(names = "--header", paramLabel = "NAME:VALUE",
            description = "add a header to the WebSocket upgrade request, e.g. 'Authorization: Bearer abc' (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--cookie", paramLabel = "NAME=VALUE", description = "send a cookie with the upgrade request (repeatable)")
    List<String> cookies = new ArrayList<>();

    @Option(names = "--origin", paramLabel = "ORIGIN",
            description = "send this Origin header, as a browser page at ORIGIN would (e.g. https://app.example)")
    String origin;

    @Option(names = "--deadline", paramLabel = "DURATION",
            description = "fail each call not answered within this time (e.g. 5s, 250ms, 1m, PT2S); default: none")
    String deadline;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "give up connecting after this time (default: ${DEFAULT-VALUE})")
    String connectTimeout;

    @Option(names = "--schema", paramLabel = "FILE",
            description = "the server's schema text (the <Service>Schema.SCHEMA of its contract), for a server that "
                    + "withholds it (ServerBuilder.hideSchema())")
    Path schemaFile;

    /** The connection options these flags describe; warns on {@code err} when they are insecure. */
    ClientOptions options(URI url, PrintWriter err, int maxInFlight) {
        ClientOptions.Builder b = ClientOptions.builder();
        if (pin != null && insecure) {
            throw new UsageException("--pin and --insecure exclude each other");
        }
        boolean plaintext = "ws".equalsIgnoreCase(url.getScheme());
        if (plaintext) {
            if (!insecure) {
                throw new UsageException(url + " is plaintext (ws://): use wss://, or pass --insecure to allow it");
            }
            err.println("hardlight: WARNING: --insecure: " + url + " is not encrypted; anyone on the network path can "
                    + "read and change this connection");
            b.insecurePlaintext();
        } else if (pin != null) {
            try {
                b.pinned(pin);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--pin: " + e.getMessage());
            }
        } else if (insecure) {
            err.println("hardlight: WARNING: --insecure: the server's certificate is NOT checked; anyone on the network "
                    + "path can read and change this connection. Use --pin SHA256 for a self-signed server.");
            b.insecureTrustAll();
        }
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new UsageException("--header '" + h + "' (expected: NAME: VALUE)");
            }
            try {
                b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--header: " + e.getMessage());
            }
        }
        if (!cookies.isEmpty()) {
            for (String c : cookies) {
                if (c.indexOf('=') <= 0) {
                    throw new UsageException("--cookie '" + c + "' (expected: NAME=VALUE)");
                }
            }
            b.header("Cookie", String.join("; ", cookies));
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        Duration d = deadline();
        if (d != null) {
            b.defaultDeadline(d);
        }
        b.connectTimeout(duration("--connect-timeout", connectTimeout));
        if (maxInFlight > 0) {
            b.maxInFlight(maxInFlight);
        }
        return b.build();
    }

    Duration deadline() {
        return deadline == null ? null : duration("--deadline", deadline);
    }

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /** {@code 5s}, {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT2S}); positive. */
    static Duration duration(String option, String text) {
        Duration d;
        Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                double n = Double.parseDouble(m.group(1));
                long nanos = switch (m.group(2)) {
                    case "ms" -> (long) (n * 1e6);
                    case "s" -> (long) (n * 1e9);
                    case "m" -> (long) (n * 60e9);
                    default -> (long) (n * 3600e9);
                };
                d = Duration.ofNanos(nanos);
            } else {
                d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
        } catch (RuntimeException e) {
            throw new UsageException(option + " '" + text + "' (expected: a duration such as 5s, 250ms, 1m or PT2S)");
        }
        if (d.isZero() || d.isNegative()) {
            throw new UsageException(option + " '" + text + "' (expected: a positive duration)");
        }
        return d;
    }

    static URI url(String text) {
        URI u;
        try {
            u = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("URL '" + text + "': " + e.getMessage());
        }
        String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("wss") && !s.equals("ws") || u.getHost() == null) {
            throw new UsageException("URL '" + text + "' (expected: wss://host:port/path, e.g. wss://localhost:8443/hl)");
        }
        return u;
    }

    /** The contract: from {@code --schema}, else from the server's HELLO. */
    DynamicContract contract(URI url, ClientOptions options) {
        if (schemaFile != null) {
            String text;
            try {
                text = Files.readString(schemaFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Failure(EXIT_CONTRACT, "--schema " + schemaFile + ": cannot read it (" + e.getMessage() + ")");
            }
            try {
                return new DynamicContract(text);
            } catch (IllegalArgumentException e) {
                throw new Failure(EXIT_CONTRACT, "--schema " + schemaFile + ": " + e.getMessage());
            }
        }
        ServerHello hello = hello(url, options);
        if (hello.schema() == null) {
            throw new Failure(EXIT_CONTRACT, "the server at " + url + " (service " + hello.service() + ") withholds its schema "
                    + "(ServerBuilder.hideSchema()): pass it with --schema FILE (the <Service>Schema.SCHEMA text of its "
                    + "contract, fingerprint " + hello.fingerprint() + "), or let the server send it");
        }
        try {
            return new DynamicContract(hello.schema());
        } catch (IllegalArgumentException e) {
            throw new Failure(EXIT_CONTRACT, "the server's schema is not valid: " + e.getMessage());
        }
    }

    static ServerHello hello(URI url, ClientOptions options) {
        try {
            return HardLight.hello(url, options);
        } catch (RpcException e) {
            throw connectFailure(url, e);
        }
    }

    RpcChannel connect(URI url, ClientOptions options, DynamicContract contract) {
        try {
            return HardLight.connect(url, options, contract.descriptor);
        } catch (RpcException e) {
            if (e.status() == Status.INCOMPATIBLE && schemaFile != null) {
                throw new Failure(EXIT_CONTRACT, "--schema " + schemaFile + " does not match the server: " + e.getMessage());
            }
            throw connectFailure(url, e);
        }
    }

    private static Failure connectFailure(URI url, RpcException e) {
        return new Failure(EXIT_UNAVAILABLE, "cannot connect to " + url + ": " + e.status() + ": " + e.getMessage());
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A command line that is wrong: exit code 2 with the message. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** A verb that failed: its exit code and message. */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
