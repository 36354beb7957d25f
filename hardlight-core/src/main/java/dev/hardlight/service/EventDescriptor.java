package dev.hardlight.service;

import dev.hardlight.codec.Codec;
import java.util.Objects;

/**
 * A service's event type and its generated codec.
 *
 * @param type the event type ({@code @Rpc(events = ...)})
 * @param codec its codec
 * @param schemaHash first 8 bytes of the SHA-256 of the event type's canonical schema text
 */
public record EventDescriptor<E>(Class<E> type, Codec<E> codec, long schemaHash) {
    public EventDescriptor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(codec, "codec");
    }
}
