package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The masking of credentials in HTTP heads, checked against heads built with their expected masked
 * form alongside, cut into pieces at arbitrary points.
 */
class HttpHeadRedactorTest {
    private static final List<String> SECRET = List.of("Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie");
    private static final List<String> KEPT = List.of("Host", "Upgrade", "Cookies", "X-Cookie", "Authorization2",
            "Sec-WebSocket-Protocol", "X-Padding-That-Is-Longer-Than-Any-Secret-Name");

    /** A head, what it must become, and where the head ends (bytes after it are not examined). */
    private record Case(byte[] input, byte[] expected, int headEnd) {}

    /** Feeds {@code input} to a redactor in pieces cut at {@code cuts}, and returns the pieces joined. */
    private static byte[] redactInPieces(boolean request, byte[] input, TreeSet<Integer> cuts) {
        byte[] out = input.clone();
        HttpHeadRedactor r = new HttpHeadRedactor(request);
        int from = 0;
        for (int cut : cuts) {
            r.redact(out, from, cut);
            from = cut;
        }
        r.redact(out, from, out.length);
        return out;
    }

    private static byte[] redact(boolean request, String head) {
        return redactInPieces(request, head.getBytes(StandardCharsets.ISO_8859_1), new TreeSet<>());
    }

    private static String masked(boolean request, String head) {
        return new String(redact(request, head), StandardCharsets.ISO_8859_1);
    }

    @Property(tries = 500)
    void aRequestHeadCutAnywhereIsMaskedAsIfWhole(@ForAll Random random) {
        assertCutAnywhereIsMaskedAsIfWhole(random, true);
    }

    @Property(tries = 300)
    void aResponseHeadCutAnywhereIsMaskedAsIfWhole(@ForAll Random random) {
        assertCutAnywhereIsMaskedAsIfWhole(random, false);
    }

    /** A random head, cut at up to 7 random points, masks as it does whole, and ends at its last byte. */
    private static void assertCutAnywhereIsMaskedAsIfWhole(Random random, boolean request) {
        Case c = randomHead(random, request);
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int i = random.nextInt(8); i > 0; i--) {
            cuts.add(random.nextInt(c.input.length + 1));
        }
        byte[] out = redactInPieces(request, c.input, cuts);
        assertThat(new String(out, StandardCharsets.ISO_8859_1)).as("cut at %s", cuts)
                .isEqualTo(new String(c.expected, StandardCharsets.ISO_8859_1));
        assertEndsAt(request, c);
    }

    /** The redactor sees the end of the head at its last byte, not before. */
    private static void assertEndsAt(boolean request, Case c) {
        HttpHeadRedactor r = new HttpHeadRedactor(request);
        byte[] copy = c.input.clone();
        assertThat(r.redact(copy, 0, c.headEnd - 1)).isEqualTo(HttpHeadRedactor.Result.IN_HEAD);
        assertThat(r.redact(copy, c.headEnd - 1, c.headEnd)).isEqualTo(HttpHeadRedactor.Result.DONE);
    }

    /** Every single cut point of one head with every kind of credential: one byte at a time included. */
    @Test
    void everyCutPointOfOneHeadGivesTheSameBytes() {
        String head = "GET /hl?token=abc&x=1#frag HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
                + "Cookie: a=1; b=2\r\n\tc=3\r\nProxy-Authorization: Bearer t\r\n\r\n\u0082\u0001\u0007";
        byte[] whole = redact(true, head);
        byte[] input = head.getBytes(StandardCharsets.ISO_8859_1);
        for (int a = 0; a <= input.length; a++) {
            for (int b = a; b <= input.length; b += 7) {
                assertThat(redactInPieces(true, input, new TreeSet<>(List.of(a, b)))).as("cut at %d and %d", a, b).isEqualTo(whole);
            }
        }
        byte[] oneByOne = input.clone();
        HttpHeadRedactor r = new HttpHeadRedactor(true);
        for (int i = 0; i < oneByOne.length; i++) {
            r.redact(oneByOne, i, i + 1);
        }
        assertThat(oneByOne).isEqualTo(whole);
        assertThat(new String(whole, StandardCharsets.ISO_8859_1)).isEqualTo(
                "GET /hl?token=***&x=*#**** HTTP/1.1\r\nHost: h\r\nAuthorization: ******************\r\n"
                        + "Cookie: ********\r\n\t***\r\nProxy-Authorization: ********\r\n\r\n\u0082\u0001\u0007");
    }

    @Test
    void masksTheValuesOfCredentialHeadersInAnyCase() {
        assertThat(masked(true, "GET / HTTP/1.1\r\nauthorization: x\r\nCOOKIE:y z\r\nHost: h\r\n\r\n"))
                .isEqualTo("GET / HTTP/1.1\r\nauthorization: *\r\nCOOKIE:***\r\nHost: h\r\n\r\n");
        assertThat(masked(false, "HTTP/1.1 403 Forbidden?a=b\r\nSet-Cookie: sid=1; HttpOnly\r\nX-Cookie: kept\r\n\r\nbody?a=b"))
                .as("no query in a status line; the body is not examined")
                .isEqualTo("HTTP/1.1 403 Forbidden?a=b\r\nSet-Cookie: ***************\r\nX-Cookie: kept\r\n\r\nbody?a=b");
        assertThat(masked(true, "GET / HTTP/1.1\r\nAuthorization : x\r\n\r\n")).as("whitespace before the colon")
                .isEqualTo("GET / HTTP/1.1\r\nAuthorization : *\r\n\r\n");
    }

    @Test
    void masksQueryValuesAndKeepsTheirNames() {
        assertThat(masked(true, "GET /hl?token=abc&&flag&k=v=w HTTP/1.1\r\n\r\n"))
                .isEqualTo("GET /hl?token=***&&flag&k=*** HTTP/1.1\r\n\r\n");
        assertThat(masked(true, "\r\n\r\n GET  /hl?t=1  HTTP/1.1\r\n\r\n")).as("leading empty lines and whitespace are skipped, as Netty does")
                .isEqualTo("\r\n\r\n GET  /hl?t=*  HTTP/1.1\r\n\r\n");
        assertThat(masked(true, "GET /hl?t=1\n\n")).as("bare LF line ends").isEqualTo("GET /hl?t=*\n\n");
    }

    @Test
    void theHeadEndsAtTheFirstEmptyLineAndNothingAfterIsTouched() {
        assertThat(masked(true, "GET / HTTP/1.1\nCookie: a\n\nCookie: b\r\n\r\n"))
                .isEqualTo("GET / HTTP/1.1\nCookie: *\n\nCookie: b\r\n\r\n");
        HttpHeadRedactor r = new HttpHeadRedactor(true);
        byte[] b = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(r.redact(b, 0, 10)).isEqualTo(HttpHeadRedactor.Result.IN_HEAD);
        assertThat(r.redact(b, 10, b.length)).isEqualTo(HttpHeadRedactor.Result.DONE);
        assertThat(r.done()).isTrue();
        byte[] later = "Cookie: c\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(r.redact(later, 0, later.length)).isEqualTo(HttpHeadRedactor.Result.DONE);
        assertThat(new String(later, StandardCharsets.US_ASCII)).isEqualTo("Cookie: c\r\n");
    }

    @Test
    void aHeadThatDoesNotEndWithinTheLimitIsReported() {
        HttpHeadRedactor r = new HttpHeadRedactor(true);
        byte[] line = ("X-Padding: " + "p".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] start = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(r.redact(start, 0, start.length)).isEqualTo(HttpHeadRedactor.Result.IN_HEAD);
        long examined = start.length;
        while (examined + line.length <= HttpHeadRedactor.MAX_HEAD) {
            assertThat(r.redact(line.clone(), 0, line.length)).isEqualTo(HttpHeadRedactor.Result.IN_HEAD);
            examined += line.length;
        }
        assertThat(r.redact(line.clone(), 0, line.length)).isEqualTo(HttpHeadRedactor.Result.TOO_LONG);
        assertThat(r.redact(line.clone(), 0, line.length)).as("and from then on").isEqualTo(HttpHeadRedactor.Result.TOO_LONG);
    }

    @Test
    void masksUserInformationQueryValuesAndFragmentsOfAUri() {
        assertThat(HttpHeadRedactor.redactUri(URI.create("wss://h:8443/hl"))).isEqualTo("wss://h:8443/hl");
        assertThat(HttpHeadRedactor.redactUri(URI.create("wss://h/hl?token=abc&room=x"))).isEqualTo("wss://h/hl?token=***&room=*");
        assertThat(HttpHeadRedactor.redactUri(URI.create("wss://user:pw@h/hl?a#frag?x=1")))
                .isEqualTo("wss://*******@h/hl?a#********");
    }

    /** A random request or response head with its masked form, then random bytes after it. */
    private static Case randomHead(Random random, boolean request) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String eol = random.nextBoolean() ? "\r\n" : "\n";
        if (request && random.nextInt(4) == 0) {
            both(in, out, "\r\n"); // skipped before the start line
        }
        if (request) {
            both(in, out, "GET /" + token(random, 0, 6));
            if (random.nextBoolean()) {
                both(in, out, "?");
                for (int i = random.nextInt(4); i >= 0; i--) {
                    both(in, out, token(random, 0, 5));
                    if (random.nextInt(4) > 0) {
                        String value = queryValue(random);
                        both(in, out, "=");
                        in.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
                        out.writeBytes("*".repeat(value.length()).getBytes(StandardCharsets.ISO_8859_1));
                    }
                    if (i > 0) {
                        both(in, out, "&");
                    }
                }
            }
            both(in, out, " HTTP/1.1" + eol);
        } else {
            both(in, out, "HTTP/1.1 " + (random.nextBoolean() ? "101 Switching Protocols" : "401 Unauthorized?x=1") + eol);
        }
        for (int h = random.nextInt(8); h > 0; h--) {
            boolean secret = random.nextBoolean();
            String name = secret ? SECRET.get(random.nextInt(SECRET.size())) : KEPT.get(random.nextInt(KEPT.size()));
            name = switch (random.nextInt(3)) {
                case 0 -> name.toLowerCase(Locale.ROOT);
                case 1 -> name.toUpperCase(Locale.ROOT);
                default -> name;
            };
            both(in, out, name + ":");
            for (int line = random.nextInt(4) == 0 ? 2 : 1; line > 0; line--) { // sometimes an obs-fold continuation line
                String space = " ".repeat(random.nextInt(2)) + (random.nextInt(5) == 0 ? "\t" : "");
                String value = headerValue(random);
                both(in, out, space);
                in.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes((secret ? "*".repeat(value.length()) : value).getBytes(StandardCharsets.ISO_8859_1));
                both(in, out, eol);
                if (line > 1) {
                    both(in, out, random.nextBoolean() ? " " : "\t");
                }
            }
        }
        both(in, out, eol);
        int headEnd = in.size();
        byte[] after = new byte[random.nextInt(40)];
        random.nextBytes(after); // WebSocket frames, or a body: untouched, whatever they hold
        in.writeBytes(after);
        out.writeBytes(after);
        return new Case(in.toByteArray(), out.toByteArray(), headEnd);
    }

    private static void both(ByteArrayOutputStream in, ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        in.writeBytes(b);
        out.writeBytes(b);
    }

    private static String token(Random random, int min, int max) {
        StringBuilder s = new StringBuilder();
        for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** Value characters of a query string: anything but '&', '#', whitespace and line ends ('=' and '%' included). */
    private static String queryValue(Random random) {
        String chars = "abcXYZ0189-._~%+=/:;,!$'()*@?";
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            s.append(chars.charAt(random.nextInt(chars.length())));
        }
        return s.toString();
    }

    /** A header value that does not start with whitespace: visible ASCII and inner spaces. */
    private static String headerValue(Random random) {
        StringBuilder s = new StringBuilder();
        for (int n = 1 + random.nextInt(30); n > 0; n--) {
            s.append(s.isEmpty() || random.nextInt(6) > 0 ? (char) (0x21 + random.nextInt(0x7e - 0x21 + 1)) : ' ');
        }
        return s.toString();
    }
}
