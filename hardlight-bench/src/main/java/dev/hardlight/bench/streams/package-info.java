/** JMH round-trip benchmark of {@code hardlight-stream}'s WebSocket client against other Java clients (docs/benchmarks.md). */
package dev.hardlight.bench.streams;
