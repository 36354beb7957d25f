package dev.hardlight.service;

import dev.hardlight.codec.WireReader;
import dev.hardlight.codec.WireWriter;

/**
 * Runs one call on a handler: generated as {@code <Service>Dispatcher}, a {@code switch} on the
 * method id. Stateless and thread-safe.
 *
 * @param <S> the service interface
 */
public interface ServiceDispatcher<S> {
    /**
     * Decodes the arguments of method {@code methodId} from {@code args} (parameters missing at the end,
     * sent by an older client, take their defaults), calls {@link WireReader#endArguments} (which skips
     * parameters a newer client appended and marks the arguments decoded), invokes the handler and
     * encodes its result into {@code result}.
     *
     * @throws Exception whatever the handler throws; a malformed argument throws
     *     {@link dev.hardlight.RpcException} before the handler is invoked
     */
    void dispatch(S handler, int methodId, WireReader args, WireWriter result) throws Exception;
}
