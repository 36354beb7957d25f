package dev.hardlight.codec;

/**
 * Encodes and decodes values of one type in HardLight's binary format ({@code docs/protocol.md}, "Value
 * encoding"). The annotation processor generates a codec for each record, enum and sealed interface;
 * {@link Codecs} has the built-in ones and combinators for collections and optional values.
 *
 * <p>Implementations must be stateless and thread-safe. {@link #decode} must consume exactly the
 * bytes {@link #encode} wrote and must throw only {@link dev.hardlight.RpcException} with
 * {@link dev.hardlight.Status#PROTOCOL_ERROR} on malformed input (the reader does this for every
 * primitive read).
 *
 * @param <T> the Java type
 */
public interface Codec<T> {
    /** Writes {@code value}; a {@code null} is an error unless this codec is {@link Codecs#nullable nullable}. */
    void encode(T value, WireWriter out);

    /** Reads one value. */
    T decode(WireReader in);
}
