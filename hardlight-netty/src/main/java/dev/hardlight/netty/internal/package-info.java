/**
 * Netty plumbing of the HardLight transport: pipelines, the write queue, TLS contexts and
 * certificates. Not an API: anything here may change without notice.
 *
 * <p>Threading, in one place: pipeline handlers run on their channel's event loop; sessions receive
 * frames there; frames sent from other threads go through {@link dev.hardlight.netty.internal.ChannelOutbound},
 * which hands them to the event loop in batches (one flush per drain).
 */
package dev.hardlight.netty.internal;
