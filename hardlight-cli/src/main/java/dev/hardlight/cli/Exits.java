package dev.hardlight.cli;

import dev.hardlight.Status;

/**
 * The {@code hardlight} command's exit codes (README, "The command line"): one per class of failure, so
 * scripts can tell a server that is down from a call the server refused.
 */
final class Exits {
    static final int OK = 0;
    /** Anything else that failed (a message says what). */
    static final int FAILED = 1;
    /** A usage error: bad options, malformed JSON, an unknown method, arguments that do not fit. */
    static final int USAGE = 2;
    /** The server could not be reached or refused the connection; UNAVAILABLE, CONNECTION_LOST. */
    static final int UNAVAILABLE = Remote.EXIT_UNAVAILABLE;
    /** The contract: schema withheld or not matching; INCOMPATIBLE, UNIMPLEMENTED. */
    static final int CONTRACT = Remote.EXIT_CONTRACT;
    /** The handler threw a declared exception (APPLICATION_ERROR). */
    static final int APPLICATION = 5;
    /** The server refused the request: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ... */
    static final int REFUSED = 6;
    /** DEADLINE_EXCEEDED or CANCELLED. */
    static final int DEADLINE = 7;
    /** The server failed: INTERNAL, UNKNOWN, DATA_LOSS, PROTOCOL_ERROR. */
    static final int SERVER = 8;

    private Exits() {}

    static int of(Status s) {
        return switch (s) {
            case OK -> OK;
            case UNAVAILABLE, CONNECTION_LOST -> UNAVAILABLE;
            case INCOMPATIBLE, UNIMPLEMENTED -> CONTRACT;
            case APPLICATION_ERROR -> APPLICATION;
            case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED, FAILED_PRECONDITION,
                 OUT_OF_RANGE, ABORTED, RESOURCE_EXHAUSTED -> REFUSED;
            case DEADLINE_EXCEEDED, CANCELLED -> DEADLINE;
            case INTERNAL, UNKNOWN, DATA_LOSS, PROTOCOL_ERROR -> SERVER;
        };
    }
}
