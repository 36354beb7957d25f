package dev.hardlight.internal.protocol;

/**
 * The peer broke the protocol: the connection must be closed with {@link #closeCode()} and
 * {@link #getMessage()} as the close reason. Thrown by the sessions; the transport follows one path
 * for it (log once, count, send the close frame, close).
 */
public final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** WebSocket close codes used by HardLight (RFC 6455, section 7.4.1). */
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private final int closeCode;

    public ProtocolViolation(int closeCode, String reason) {
        super(truncate(reason), null, false, false);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }

    /** A close reason must fit in a control frame: 123 bytes of UTF-8. */
    static String truncate(String reason) {
        if (reason.length() <= 100) {
            return reason;
        }
        return reason.substring(0, 100) + "...";
    }
}
