package dev.hardlight.opentelemetry;

import dev.hardlight.RpcException;
import dev.hardlight.Status;

final class EchoHandler implements Echo {
    @Override
    public String echo(String text) {
        // A span the handler makes: the child of the server span when tracing is on.
        io.opentelemetry.api.trace.Span current = io.opentelemetry.api.trace.Span.current();
        if (current.getSpanContext().isValid()) {
            HardLightTracingTest.HANDLER_TRACER.get().spanBuilder("in the handler").startSpan().end();
        }
        return text;
    }

    @Override
    public String deny(String text) {
        throw new RpcException(Status.PERMISSION_DENIED, "not you");
    }
}
