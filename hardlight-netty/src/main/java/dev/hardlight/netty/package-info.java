/**
 * The Netty transport of HardLight: {@link dev.hardlight.netty.HardLight#server serve} a service over
 * TLS WebSocket, {@link dev.hardlight.netty.HardLight#connect connect} a client to one.
 *
 * <p>Everything in {@code dev.hardlight.netty.internal} may change without notice; do not use it.
 */
package dev.hardlight.netty;
