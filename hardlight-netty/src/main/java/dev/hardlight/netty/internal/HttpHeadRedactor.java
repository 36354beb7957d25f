package dev.hardlight.netty.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Masks the credentials in the HTTP head one direction of a connection starts with, in place, before
 * a recording stores it: the values of the {@code Authorization}, {@code Proxy-Authorization},
 * {@code Cookie} and {@code Set-Cookie} headers (continuation lines included), and in a request line
 * the values of the query string and any fragment ({@code GET /hl?token=***&room=*** HTTP/1.1}).
 * Each masked byte becomes {@link #MASK}, so lengths, offsets and read boundaries stay as they were
 * and the recording still decodes; header names, query names, separators and line ends are kept.
 *
 * <p>The head may arrive in any number of pieces: the redactor is a byte-at-a-time state machine that
 * carries its state from one piece to the next. It reads lines as Netty's HTTP decoder does: a line
 * ends at LF (a CR before it is kept as it is), control characters and whitespace before the start
 * line are skipped, and the first empty line ends the head. After the head it examines nothing more.
 *
 * <p>Bounded: it examines at most {@link #MAX_HEAD} bytes. A head that has not ended by then is longer
 * than the HTTP decoders of either side accept (4 KiB start line and 8 KiB of headers), and
 * {@link #redact} reports it so that the recorder stops recording rather than store a head it has not
 * examined to its end.
 *
 * <p>Not thread-safe: one per direction of a connection, used on its event loop.
 */
final class HttpHeadRedactor {
    /** The byte that replaces each byte of a credential. */
    static final byte MASK = '*';
    /** The most bytes examined for the end of the head. */
    static final int MAX_HEAD = 16 * 1024;

    /** What {@link #redact} found. */
    enum Result {
        /** The head goes on in the next bytes; what was given is masked. */
        IN_HEAD,
        /** The head ended (now or before): the bytes after it are left as they are. */
        DONE,
        /** {@link #MAX_HEAD} bytes were examined without the end of the head: stop recording. */
        TOO_LONG
    }

    private static final byte[][] SECRET_HEADERS = {
        ascii("authorization"), ascii("proxy-authorization"), ascii("cookie"), ascii("set-cookie")};
    /** The longest name in {@link #SECRET_HEADERS}: longer names are not compared. */
    private static final int MAX_SECRET_NAME = Arrays.stream(SECRET_HEADERS).mapToInt(name -> name.length).max().orElseThrow();

    private enum State {
        /** Before the start line: control characters and whitespace are skipped. */
        BEFORE_START,
        /** The method of a request line. */
        METHOD,
        /** Between the method and the request target. */
        BEFORE_TARGET,
        /** The path of the request target. */
        PATH,
        /** A name in the query string. */
        QUERY_NAME,
        /** A value in the query string: masked. */
        QUERY_VALUE,
        /** The fragment after '#' (which clients should not send, but OAuth puts tokens there): masked. */
        FRAGMENT,
        /** The rest of the start line (the version, or a whole status line). */
        REST_OF_START,
        /** At the start of a header line: an empty line ends the head, whitespace continues the last header. */
        LINE_START,
        /** A header name, up to its colon. */
        NAME,
        /** Whitespace after the colon of a header whose value is masked (kept, for readability). */
        SECRET_VALUE_START,
        /** The value of a header that is masked. */
        SECRET_VALUE,
        /** The value of a header that is kept, or a line without a colon. */
        VALUE,
        /** After the head: nothing more is examined. */
        DONE
    }

    private final boolean request;
    private State state;
    /** Whether the header line before this one was masked: a continuation line is masked too. */
    private boolean lastHeaderSecret;
    /** The header name read so far, lower case; {@code nameLength > MAX_SECRET_NAME} means "too long to match". */
    private final byte[] name = new byte[MAX_SECRET_NAME];
    private int nameLength;
    /** Whether the line so far holds only a CR (an empty line, if LF comes next). */
    private boolean lineOnlyCr;
    private long examined;

    /**
     * @param request whether this direction carries the request (its request line holds a query
     *     string) rather than the response
     */
    HttpHeadRedactor(boolean request) {
        this.request = request;
        this.state = State.BEFORE_START;
    }

    /** Whether the head has ended (or was too long): nothing more is examined. */
    boolean done() {
        return state == State.DONE;
    }

    /**
     * Masks the credentials in {@code bytes[from..to)}, the next bytes of this direction, in place.
     *
     * @return whether the head goes on, has ended, or was too long to examine (then the bytes given
     *     may be masked only in part and must not be stored)
     */
    Result redact(byte[] bytes, int from, int to) {
        if (state == State.DONE) {
            return examined > MAX_HEAD ? Result.TOO_LONG : Result.DONE;
        }
        for (int i = from; i < to; i++) {
            if (++examined > MAX_HEAD) {
                state = State.DONE;
                return Result.TOO_LONG;
            }
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
                if (state == State.DONE) {
                    return Result.DONE;
                }
                continue;
            }
            bytes[i] = next(b);
        }
        return Result.IN_HEAD;
    }

    /** Moves on by one byte that is not LF; returns what the byte becomes. */
    private byte next(byte b) {
        switch (state) {
            case BEFORE_START -> {
                if (isSkippedBeforeStart(b)) {
                    return b;
                }
                state = request ? State.METHOD : State.REST_OF_START;
                return next(b);
            }
            case METHOD -> {
                if (isWhitespace(b)) {
                    state = State.BEFORE_TARGET;
                }
            }
            case BEFORE_TARGET -> {
                if (!isWhitespace(b)) {
                    state = State.PATH;
                    return next(b);
                }
            }
            case PATH -> {
                if (isWhitespace(b)) {
                    state = State.REST_OF_START;
                } else if (b == '?') {
                    state = State.QUERY_NAME;
                } else if (b == '#') {
                    state = State.FRAGMENT;
                }
            }
            case QUERY_NAME -> {
                if (isWhitespace(b)) {
                    state = State.REST_OF_START;
                } else if (b == '=') {
                    state = State.QUERY_VALUE;
                } else if (b == '#') {
                    state = State.FRAGMENT;
                }
            }
            case QUERY_VALUE -> {
                if (isWhitespace(b)) {
                    state = State.REST_OF_START;
                } else if (b == '&') {
                    state = State.QUERY_NAME;
                } else if (b == '#') {
                    state = State.FRAGMENT;
                } else {
                    return MASK;
                }
            }
            case FRAGMENT -> {
                if (isWhitespace(b)) {
                    state = State.REST_OF_START;
                } else {
                    return MASK;
                }
            }
            case REST_OF_START, VALUE -> {}
            case LINE_START -> {
                if (b == '\r' && !lineOnlyCr) {
                    lineOnlyCr = true; // an empty line if LF comes next
                    return b;
                }
                lineOnlyCr = false; // a line with more than a CR: not the end of the head
                if (b == ' ' || b == '\t') {
                    // obs-fold: this line continues the last header's value
                    state = lastHeaderSecret ? State.SECRET_VALUE_START : State.VALUE;
                    return b;
                }
                state = State.NAME;
                nameLength = 0;
                return next(b);
            }
            case NAME -> {
                if (b == ':') {
                    lastHeaderSecret = isSecretName();
                    state = lastHeaderSecret ? State.SECRET_VALUE_START : State.VALUE;
                } else if (b != ' ' && b != '\t') { // whitespace before the colon is tolerated by some decoders
                    if (nameLength < MAX_SECRET_NAME) {
                        name[nameLength] = lower(b);
                    }
                    nameLength++;
                }
            }
            case SECRET_VALUE_START -> {
                if (b == ' ' || b == '\t') {
                    return b;
                }
                state = State.SECRET_VALUE;
                return next(b);
            }
            case SECRET_VALUE -> {
                return b == '\r' ? b : MASK;
            }
            case DONE -> throw new IllegalStateException("examined after the head");
        }
        return b;
    }

    /** An LF: the end of a line, and of the head if the line was empty. */
    private void endLine() {
        switch (state) {
            case BEFORE_START -> {} // empty lines before the start line are skipped
            case LINE_START -> {
                state = State.DONE; // an empty line (or only a CR): the end of the head
            }
            case NAME -> {
                lastHeaderSecret = false; // a line without a colon
                state = State.LINE_START;
            }
            default -> state = State.LINE_START;
        }
        lineOnlyCr = false;
    }

    private boolean isSecretName() {
        if (nameLength > MAX_SECRET_NAME) {
            return false;
        }
        for (byte[] secret : SECRET_HEADERS) {
            if (Arrays.equals(name, 0, nameLength, secret, 0, secret.length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The URI with its user information and the values of its query string and fragment masked as in
     * a request line ({@code wss://***@host/hl?token=***}); the same URI when there is none.
     */
    static String redactUri(URI uri) {
        String s = uri.toString();
        char[] c = s.toCharArray();
        int from = 0;
        String authority = uri.getRawAuthority();
        String userInfo = uri.getRawUserInfo();
        if (authority != null) {
            int at = s.indexOf(authority);
            if (userInfo != null) {
                Arrays.fill(c, at, at + userInfo.length(), (char) MASK);
            }
            from = at + authority.length();
        }
        int fragment = s.indexOf('#', from);
        int end = fragment >= 0 ? fragment : c.length;
        int query = s.indexOf('?', from);
        if (query >= 0 && query < end) {
            boolean value = false;
            for (int i = query + 1; i < end; i++) {
                if (c[i] == '&') {
                    value = false;
                } else if (c[i] == '=' && !value) {
                    value = true;
                } else if (value) {
                    c[i] = (char) MASK;
                }
            }
        }
        if (fragment >= 0) {
            Arrays.fill(c, fragment + 1, c.length, (char) MASK);
        }
        return new String(c);
    }

    private static boolean isSkippedBeforeStart(byte b) {
        int u = b & 0xFF;
        return u <= 0x20 || u == 0x7F;
    }

    /** The whitespace that separates the parts of a start line. */
    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == 0x0B || b == '\f' || b == '\r';
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
