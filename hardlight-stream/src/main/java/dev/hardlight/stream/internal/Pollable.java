package dev.hardlight.stream.internal;

/** A connection a selector polls. Used by the polling thread only. */
public interface Pollable {

    /** Does the connection's work (reads, decodes, writes) without blocking; returns the work done. */
    int pollNow();

    /** Whether it must be polled even when its socket is not ready (connecting, output or input buffered). */
    boolean needsPoll();
}
