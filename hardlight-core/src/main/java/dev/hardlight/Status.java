package dev.hardlight;

/**
 * The outcome code of a call. Numbers are stable and never reused: they are on the wire and shared
 * with the TypeScript client. Codes 1 to 16 mean what gRPC's codes of the same number mean.
 *
 * <p>Each constant says whether a client may retry: <em>retry</em> means the same call may be sent
 * again as is; <em>retry higher</em> means the application should change something first (reconnect,
 * log in, fix input); <em>do not retry</em> means sending it again gives the same answer.
 */
public enum Status {
    /** The call completed. Not sent as an error. */
    OK(0),
    /** The caller cancelled the call. Retry: only if the caller still wants the result. */
    CANCELLED(1),
    /** An error with no better code, typically a handler exception of an undeclared type. Retry higher. */
    UNKNOWN(2),
    /** The arguments were invalid or could not be decoded. Do not retry. */
    INVALID_ARGUMENT(3),
    /** The call's deadline passed before it completed. Retry: if the method is idempotent. */
    DEADLINE_EXCEEDED(4),
    /** An entity the call named does not exist. Do not retry. */
    NOT_FOUND(5),
    /** The entity the call would create exists. Do not retry. */
    ALREADY_EXISTS(6),
    /** The connection lacks the feature or right the call needs. Retry higher (authenticate). */
    PERMISSION_DENIED(7),
    /** A limit was reached (calls in flight, message size, queue). Retry: later, with back-off. */
    RESOURCE_EXHAUSTED(8),
    /** The system is not in a state the call requires. Retry higher. */
    FAILED_PRECONDITION(9),
    /** The call was aborted by a concurrency conflict. Retry higher (re-read, then retry). */
    ABORTED(10),
    /** An argument is outside the accepted range. Do not retry. */
    OUT_OF_RANGE(11),
    /** The peer does not implement this method (unknown method id). Do not retry. */
    UNIMPLEMENTED(12),
    /** The handler failed (an unchecked exception or error); the message says what. Retry higher. */
    INTERNAL(13),
    /** The service is unavailable: not connected, or shutting down. Retry: with back-off. */
    UNAVAILABLE(14),
    /** Unrecoverable loss or corruption of data. Do not retry. */
    DATA_LOSS(15),
    /** The connection is not authenticated. Retry higher (authenticate first). */
    UNAUTHENTICATED(16),
    /**
     * The handler threw a checked exception its method declares; the client rethrows it as that type.
     * Retry higher: it is the application's answer.
     */
    APPLICATION_ERROR(20),
    /** The peer broke the protocol (malformed frame, bad limit use); the connection is closed. Retry higher. */
    PROTOCOL_ERROR(21),
    /**
     * The connection was lost while the call was pending; the server may or may not have run it.
     * Retry: only if the method is idempotent.
     */
    CONNECTION_LOST(22),
    /** Client and server contracts differ for this method (signature changed). Do not retry: upgrade a side. */
    INCOMPATIBLE(23);

    private static final Status[] BY_CODE = new Status[24];

    static {
        for (Status s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The stable number sent on the wire. */
    public int code() {
        return code;
    }

    /** The status for a wire number; an unknown number (a newer peer) maps to {@link #UNKNOWN}. */
    public static Status fromCode(int code) {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        return UNKNOWN;
    }
}
