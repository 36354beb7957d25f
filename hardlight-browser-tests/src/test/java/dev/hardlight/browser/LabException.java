package dev.hardlight.browser;

/** The declared application error of {@link Lab#fail}. */
public final class LabException extends Exception {
    private static final long serialVersionUID = 1L;

    public LabException(String message) {
        super(message);
    }
}
