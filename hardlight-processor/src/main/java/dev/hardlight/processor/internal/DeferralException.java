package dev.hardlight.processor.internal;

/**
 * Thrown while reading a contract that refers to a type javac cannot resolve yet (one another
 * processor may generate in a later round): the contract is read again in the next round.
 */
public final class DeferralException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeferralException(String typeName) {
        super(typeName, null, false, false);
    }
}
