package dev.hardlight.nats.internal;

import dev.hardlight.Topic;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Maps topics to NATS subjects: {@code prefix + ".t" + base64url(topic bytes, no padding)}. The
 * alphabet of base64url ({@code A-Z a-z 0-9 - _}) holds no character NATS gives a meaning in a subject
 * ({@code .} {@code *} {@code >} or white space), the leading {@code t} makes the token of the empty
 * topic non-empty, and a topic of 1024 bytes makes a token of 1366 characters, far under NATS's
 * control-line limit of 4096 bytes with a prefix of up to {@value #MAX_PREFIX} characters. Distinct
 * topics get distinct subjects (base64 is one-to-one).
 */
public final class Subjects {
    /** The longest prefix accepted. */
    public static final int MAX_PREFIX = 256;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final String prefix;

    public Subjects(String prefix) {
        this.prefix = checkPrefix(prefix);
    }

    /** The default prefix of a service: {@code hl.} and the service's name, each dot-separated part kept, other characters {@code _}. */
    public static String defaultPrefix(String service) {
        StringBuilder b = new StringBuilder("hl");
        for (String part : service.split("\\.", -1)) {
            String clean = part.replaceAll("[^A-Za-z0-9_-]", "_");
            b.append('.').append(clean.isEmpty() ? "_" : clean);
        }
        return b.toString();
    }

    /** {@code prefix} if it is dot-separated tokens of {@code A-Z a-z 0-9 _ -}; an exception otherwise. */
    public static String checkPrefix(String prefix) {
        if (prefix.isEmpty() || prefix.length() > MAX_PREFIX) {
            throw new IllegalArgumentException("subject prefix: 1 to " + MAX_PREFIX + " characters, got " + prefix.length());
        }
        for (String token : prefix.split("\\.", -1)) {
            if (!TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException("subject prefix \"" + prefix
                        + "\": expected dot-separated non-empty tokens of A-Z a-z 0-9 _ -");
            }
        }
        return prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The subject of {@code topic}. */
    public String subject(Topic topic) {
        return prefix + ".t" + ENCODER.encodeToString(topic.toBytes());
    }

    /** The topic of a subject made by {@link #subject}, or {@code null} if it is not one of ours. */
    public Topic topic(String subject) {
        if (!subject.startsWith(prefix) || subject.length() < prefix.length() + 2
                || subject.charAt(prefix.length()) != '.' || subject.charAt(prefix.length() + 1) != 't') {
            return null;
        }
        try {
            byte[] bytes = DECODER.decode(subject.substring(prefix.length() + 2));
            return bytes.length > Topic.MAX_LENGTH ? null : Topic.of(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
