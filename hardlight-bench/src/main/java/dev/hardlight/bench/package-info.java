/**
 * HardLight side by side with gRPC-java and raw Netty over loopback ({@code ./hardlight bench}), and
 * the JMH micro benchmarks of the codec. Not a library: nothing here is API. See
 * {@code docs/benchmarks.md}.
 */
package dev.hardlight.bench;
