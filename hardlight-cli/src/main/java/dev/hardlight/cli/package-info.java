/**
 * The {@code hardlight} command line (picocli): {@code hardlight replay FILE...} prints what a
 * connection recording holds. Entry point {@link dev.hardlight.cli.HardLightCli}.
 */
package dev.hardlight.cli;
