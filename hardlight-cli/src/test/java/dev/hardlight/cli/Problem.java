package dev.hardlight.cli;

/** The test contract's declared exception. */
public class Problem extends Exception {
    public Problem(String message) {
        super(message);
    }
}
