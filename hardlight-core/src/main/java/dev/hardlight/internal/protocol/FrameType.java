package dev.hardlight.internal.protocol;

/**
 * Frame type bytes: the first byte of every WebSocket binary message. See {@code docs/protocol.md}.
 * Numbers are never reused.
 */
public final class FrameType {
    private FrameType() {}

    /** Server to client, first message of a connection. */
    public static final int HELLO = 0x01;
    /** Client to server: call id, method id, arguments. */
    public static final int CALL = 0x02;
    /** Server to client: call id, then the encoded return value. */
    public static final int RESULT = 0x03;
    /** Server to client: call id, status, message, declared error index. */
    public static final int ERROR = 0x04;
    /** Client to server: call id of a call the client no longer wants. */
    public static final int CANCEL = 0x05;
    /** Server to client: the components of the connection state that changed. */
    public static final int STATE_DELTA = 0x06;
    /** Server to client: an event on a topic. */
    public static final int EVENT = 0x07;
    /** Server to client: the whole new set of enabled features. */
    public static final int FEATURES = 0x08;
    /** Server to client: the server is shutting down (reason); new calls are refused, calls in flight finish. */
    public static final int GO_AWAY = 0x09;
    /** Server to client: this many events for the connection were dropped (slow consumer). */
    public static final int EVENTS_MISSED = 0x0A;
    /** Client to server: a CALL with request metadata between the method id and the arguments. */
    public static final int CALL_META = 0x0B;
    /** Server to client: a RESULT with response metadata between the call id and the value. */
    public static final int RESULT_META = 0x0C;
    /** Server to client: an ERROR with response metadata between the call id and the status. */
    public static final int ERROR_META = 0x0D;
    /** Server to client: an EVENT with metadata between the topic and the payload. */
    public static final int EVENT_META = 0x0E;
    /**
     * Either direction: several frames in one message ({@code count:varint { length:varint frame }*}),
     * handled in order as if each had come alone. Sent only to a peer that takes it (HELLO extension 5).
     */
    public static final int BATCH = 0x0F;

    public static String name(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case CALL -> "CALL";
            case RESULT -> "RESULT";
            case ERROR -> "ERROR";
            case CANCEL -> "CANCEL";
            case STATE_DELTA -> "STATE_DELTA";
            case EVENT -> "EVENT";
            case FEATURES -> "FEATURES";
            case GO_AWAY -> "GO_AWAY";
            case EVENTS_MISSED -> "EVENTS_MISSED";
            case CALL_META -> "CALL_META";
            case RESULT_META -> "RESULT_META";
            case ERROR_META -> "ERROR_META";
            case EVENT_META -> "EVENT_META";
            case BATCH -> "BATCH";
            default -> "0x" + Integer.toHexString(type);
        };
    }
}
