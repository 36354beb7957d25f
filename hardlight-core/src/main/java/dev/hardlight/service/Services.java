package dev.hardlight.service;

import dev.hardlight.RpcException;
import dev.hardlight.Status;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the generated descriptor of an {@code @Rpc} interface. The processor generates, beside
 * {@code pkg.Counter}, a class {@code pkg.CounterSchema} (for a member interface {@code pkg.Outer.Counter},
 * {@code pkg.Outer_CounterSchema}) with a {@code public static final ServiceDescriptor<Counter> DESCRIPTOR}.
 *
 * <p>The lookup uses reflection once per interface, at server or client set-up; the result is cached.
 * Thread-safe.
 */
public final class Services {
    private static final ConcurrentHashMap<Class<?>, ServiceDescriptor<?>> CACHE = new ConcurrentHashMap<>();

    private Services() {}

    /** The name of the generated class {@code suffix} for {@code service} (e.g. "Schema", "Client"). */
    public static String generatedName(Class<?> service, String suffix) {
        String pkg = service.getPackageName();
        String binary = service.getName().substring(pkg.isEmpty() ? 0 : pkg.length() + 1);
        return (pkg.isEmpty() ? "" : pkg + ".") + binary.replace('$', '_') + suffix;
    }

    @SuppressWarnings("unchecked")
    public static <S> ServiceDescriptor<S> descriptor(Class<S> service) {
        return (ServiceDescriptor<S>) CACHE.computeIfAbsent(service, Services::load);
    }

    private static ServiceDescriptor<?> load(Class<?> service) {
        String name = generatedName(service, "Schema");
        try {
            Class<?> schema = Class.forName(name, true, service.getClassLoader());
            Object d = schema.getField("DESCRIPTOR").get(null);
            if (d instanceof ServiceDescriptor<?> sd && sd.type() == service) {
                return sd;
            }
            throw new RpcException(Status.FAILED_PRECONDITION, name + ".DESCRIPTOR does not describe " + service.getName());
        } catch (ReflectiveOperationException e) {
            throw new RpcException(Status.FAILED_PRECONDITION, "no generated schema " + name + " for " + service.getName()
                    + ": is it annotated @Rpc and is hardlight-processor on the annotation processor path?", e);
        }
    }
}
