package dev.hardlight.netty.internal;

import java.nio.file.Path;

/**
 * Where and how much to record (validated by the public options).
 *
 * @param path the file (client) or the directory of one file per connection (server)
 * @param maxBytes the largest file, header and last record included
 * @param recordCredentials whether credentials in the HTTP upgrade are kept in clear (else masked)
 */
public record RecordingConfig(Path path, long maxBytes, boolean recordCredentials) {
    /** The same, recording to {@code other}. */
    public RecordingConfig withPath(Path other) {
        return new RecordingConfig(other, maxBytes, recordCredentials);
    }
}
