package dev.hardlight.opentelemetry;

import dev.hardlight.Rpc;

@Rpc
public interface Echo {
    String echo(String text);

    /** Fails with RpcException(PERMISSION_DENIED). */
    String deny(String text);
}
