package dev.hardlight.netty.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A directory of static files and the rules that map a request path to one of its files, without any
 * I/O framework: the request path is checked and decoded strictly, then resolved to a real path that
 * must lie inside the directory's real path (so no {@code ..}, no encoded separators, no symbolic link
 * leading out). Everything that is not a regular file inside the directory is simply not found.
 *
 * <p>Immutable and thread-safe; {@link #resolve} touches the file system (it resolves real paths).
 */
public final class StaticFiles {
    /** The longest request path (before the query) accepted, in bytes as sent. */
    public static final int MAX_PATH_LENGTH = 1024;
    /** The file served for a path naming a directory. */
    static final String INDEX = "index.html";

    private static final String DEFAULT_TYPE = "application/octet-stream";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    private final Path root;

    private StaticFiles(Path root) {
        this.root = root;
    }

    /**
     * The files under {@code directory}, resolved now to its real path (the directory itself may be a
     * symbolic link; what lies under it may not lead out of it).
     *
     * @throws IllegalArgumentException if it is not an existing directory
     */
    public static StaticFiles of(Path directory) {
        try {
            Path real = directory.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("staticFiles: " + directory + " (expected: a directory)");
            }
            return new StaticFiles(real);
        } catch (IOException e) {
            throw new IllegalArgumentException("staticFiles: " + directory + " (expected: an existing directory): " + e, e);
        }
    }

    /** The directory's real path. */
    public Path root() {
        return root;
    }

    /** What a request path maps to. */
    sealed interface Lookup {}

    /** A regular file inside the directory (its real path). */
    record Found(Path file) implements Lookup {}

    /** A directory asked for without its trailing '/': the browser is sent to {@code location}. */
    record Redirect(String location) implements Lookup {}

    /** Nothing to serve here (missing, hidden, outside the directory, not a regular file). */
    record NotFound() implements Lookup {}

    /** A path this server does not accept at all; {@code status} 400 or 414. */
    record Refused(int status, String reason) implements Lookup {}

    /**
     * Maps the raw request path (the request target up to any {@code '?'}, still percent-encoded) to
     * what to answer. Refused: longer than {@link #MAX_PATH_LENGTH}, not starting with '/', a
     * malformed or non-UTF-8 escape, an escaped '/' or '\' or any escaped or raw control character
     * (NUL included), a raw '\' or ':'. Not found: a segment that starts with '.' (so {@code ..},
     * {@code .} and hidden files such as {@code .git}), an empty segment ({@code //}), anything whose
     * real path is not inside the directory, anything that is not a regular file.
     */
    Lookup resolve(String rawPath) {
        if (rawPath.length() > MAX_PATH_LENGTH) {
            return new Refused(414, "request path longer than " + MAX_PATH_LENGTH + " bytes");
        }
        if (!rawPath.startsWith("/")) {
            return new Refused(400, "request path must start with '/'");
        }
        List<String> segments = new ArrayList<>();
        String[] raw = rawPath.substring(1).split("/", -1);
        boolean directory = raw[raw.length - 1].isEmpty();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isEmpty() && i == raw.length - 1) {
                break; // the trailing '/' of a directory
            }
            String segment = decode(raw[i]);
            if (segment == null) {
                return new Refused(400, "malformed request path");
            }
            if (segment.isEmpty() || segment.startsWith(".")) {
                return new NotFound();
            }
            segments.add(segment);
        }
        Path candidate = root;
        for (String s : segments) {
            candidate = candidate.resolve(s);
        }
        Path real = inside(candidate);
        if (real == null) {
            return new NotFound();
        }
        if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            if (!directory) {
                return new Redirect(rawPath + "/");
            }
            real = inside(real.resolve(INDEX));
            if (real == null) {
                return new NotFound();
            }
        } else if (directory) {
            return new NotFound(); // "file.txt/" names no directory
        }
        return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? new Found(real) : new NotFound();
    }

    /** The real path of {@code path} if it exists and lies inside the root, else {@code null}. */
    private Path inside(Path path) {
        try {
            Path real = path.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return null;
        }
    }

    /**
     * Percent-decodes one path segment as UTF-8, or {@code null} when it is malformed or holds a
     * character no file name here may have: '/', '\', ':', a control character.
     */
    static String decode(String segment) {
        byte[] out = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            int b;
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                b = hi << 4 | lo;
                i += 2;
            } else if (c > 0x7E) {
                return null; // a request target is ASCII; anything else is sent percent-encoded
            } else {
                b = c;
            }
            if (b < 0x20 || b == 0x7F || b == '/' || b == '\\' || b == ':') {
                return null;
            }
            out[n++] = (byte) b;
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(ByteBuffer.wrap(out, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The Content-Type of a file by its name's extension (case-insensitive); octet-stream otherwise. */
    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return DEFAULT_TYPE;
        }
        return TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT_TYPE);
    }
}
