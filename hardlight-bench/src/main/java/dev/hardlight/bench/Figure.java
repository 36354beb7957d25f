package dev.hardlight.bench;

/**
 * One measured figure: a system in a mode, with or without TLS, in one scenario. Rates are per
 * second; latencies in microseconds; {@code NaN} where a scenario has no such figure.
 *
 * @param system "hardlight", "grpc", "netty-ws", "tcp"
 * @param mode see {@link Mode} (or "busy-spin"/"blocking" for tcp)
 * @param scenario "sequential", "1x64", "1x256", "100x32", "fanout-1000", ...
 * @param rate calls (or frames, or deliveries) per second
 * @param count how many calls the percentiles are of
 * @param cpuUs CPU time of this process (all threads, client and server) per call, in microseconds,
 *     while measuring: unlike rates, barely moved by other processes on a shared machine
 */
record Figure(String system, String mode, boolean tls, String scenario, double rate,
              double p50, double p99, double p999, long count, double cpuUs) {
    /** "hardlight direct", "netty-ws", ... */
    String label() {
        return mode.isEmpty() ? system : system + " " + mode;
    }
}
