package dev.hardlight.micrometer;

public final class ProbeException extends Exception {
    public ProbeException(String message) {
        super(message);
    }
}
