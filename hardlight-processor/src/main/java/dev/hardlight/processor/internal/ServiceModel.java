package dev.hardlight.processor.internal;

import java.util.List;
import java.util.Map;

/**
 * A validated {@code @Rpc} contract: everything the writers need, nothing from
 * {@code javax.lang.model} except names. Immutable.
 *
 * @param packageName the interface's package ("" for the unnamed package)
 * @param interfaceName the interface's canonical name
 * @param prefix the generated classes' name prefix: the binary name inside the package, '$' as '_'
 * @param serviceName the {@code @Rpc(name)} or the simple name
 * @param methods the remote methods in declaration order (their ids)
 * @param types every type crossing the wire, sorted by canonical name
 * @param state the canonical name of the connection state record ({@code @Rpc(state)}), defined in
 *     {@code types}; {@code null} when the service has none
 * @param events the canonical name of the event type ({@code @Rpc(events)}): a sealed interface or an
 *     enum, defined in {@code types}; {@code null} when the service has none
 */
public record ServiceModel(
        String packageName,
        String interfaceName,
        String prefix,
        String serviceName,
        List<Method> methods,
        Map<String, TypeDef> types,
        String state,
        String events) {

    /** The definition of the connection state record; {@code null} when the service has none. */
    public TypeDef.RecordDef stateDef() {
        return state == null ? null : (TypeDef.RecordDef) types.get(state);
    }

    /** The definition of the event type; {@code null} when the service has none. */
    public TypeDef eventsDef() {
        return events == null ? null : types.get(events);
    }

    /** The fully qualified name of a generated class, e.g. {@code pkg.CounterClient}. */
    public String qualified(String suffix) {
        return packageName.isEmpty() ? prefix + suffix : packageName + "." + prefix + suffix;
    }

    /**
     * A remote method.
     *
     * @param result the return value, named "result"; {@code null} for {@code void}
     * @param thrown the declared checked exceptions' canonical names, in declaration order
     * @param rethrown those of {@code thrown} that are no subclass of another: the client's catch clauses
     * @param varArgs whether the last parameter is declared with {@code ...}
     * @param requiredFeature the feature of its {@code @Requires}, a valid name; {@code null} when the method is
     *     open to every connection
     * @param idempotent whether it is marked {@code @Idempotent}
     * @param nonBlocking whether it is marked {@code @NonBlocking}
     */
    public record Method(
            int id, String name, List<TypeDef.Component> params, TypeDef.Component result,
            List<String> thrown, List<String> rethrown, boolean varArgs, String requiredFeature,
            boolean idempotent, boolean nonBlocking) {

        public Method {
            params = List.copyOf(params);
            thrown = List.copyOf(thrown);
            rethrown = List.copyOf(rethrown);
        }

        /** Whether the method is gated by {@code @Requires}. */
        public boolean isGated() {
            return requiredFeature != null;
        }

        public boolean isVoid() {
            return result == null;
        }

        /** The Java return type: {@code void} or the result's type. */
        public String javaReturnType() {
            return result == null ? "void" : result.type().javaType();
        }

        /** The return type as a type argument: {@code java.lang.Void} for {@code void}. */
        public String boxedReturnType() {
            return result == null ? "java.lang.Void" : result.type().boxedJavaType();
        }
    }
}
