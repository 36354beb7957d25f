package dev.hardlight.opentelemetry;

import dev.hardlight.RpcException;
import dev.hardlight.Status;

final class EchoHandler implements Echo {
    @Override
    public String echo(String text) {
        return text;
    }

    @Override
    public String deny(String text) {
        throw new RpcException(Status.PERMISSION_DENIED, "not you");
    }
}
