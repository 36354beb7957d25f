package dev.hardlight.bench;

/**
 * A figure that is one number: heap per idle connection, a codec benchmark's ns/op or bytes.
 *
 * @param name what was measured, e.g. "idle-heap-per-connection"
 * @param system "hardlight", "grpc", "protobuf"
 * @param tls whether over TLS (false where it does not apply)
 */
record Scalar(String name, String system, boolean tls, double value, String unit) {}
