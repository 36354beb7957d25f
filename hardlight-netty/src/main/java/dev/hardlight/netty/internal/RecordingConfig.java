package dev.hardlight.netty.internal;

import java.nio.file.Path;

/**
 * Where and how much to record (validated by the public options).
 *
 * @param path the file (client) or the directory of one file per connection (server)
 * @param maxBytes the largest file, header and last record included
 */
public record RecordingConfig(Path path, long maxBytes) {}
