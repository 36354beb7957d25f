package dev.hardlight.processor.internal;

/** A contract the TypeScript writer cannot express; the message says why and what to change. */
final class TsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TsException(String message) {
        super(message);
    }
}
