package dev.hardlight.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardlight.codec.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The two versions of the evolution tests' contract ({@code src/test/resources/evolution/v1} and
 * {@code v2}: same canonical names, v2 appending to v1), each compiled in memory with the processor into
 * a class loader of its own, and reflective access to their types and generated codecs.
 */
final class Versions {
    static final Path DIR = Path.of("src", "test", "resources", "evolution");

    private Versions() {}

    /** One compiled version. */
    static final class Version {
        final Compilation compilation;
        final URLClassLoader loader;

        Version(Compilation compilation) {
            this.compilation = compilation;
            this.loader = compilation.classLoader();
        }

        Class<?> type(String name) {
            try {
                return Class.forName("evo." + name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }

        /** A new instance of record {@code name} (e.g. "Item", "Shape$Square") from its components. */
        Object record(String name, Object... components) {
            try {
                Constructor<?> c = type(name).getDeclaredConstructors()[0];
                c.setAccessible(true);
                return c.newInstance(components);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        /** The constant {@code constant} of enum {@code name}. */
        Object constant(String name, String constant) {
            for (Object o : type(name).getEnumConstants()) {
                if (((Enum<?>) o).name().equals(constant)) {
                    return o;
                }
            }
            throw new AssertionError(name + " has no " + constant);
        }

        /** The generated codec of {@code name} (a class of {@code ShopCodecs}, e.g. "ItemCodec"). */
        @SuppressWarnings("unchecked")
        Codec<Object> codec(String codecClass) {
            try {
                Class<?> c = Class.forName("evo.ShopCodecs$" + codecClass, true, loader);
                return (Codec<Object>) c.getField("INSTANCE").get(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        Object staticField(String className, String field) {
            try {
                return Class.forName("evo." + className, true, loader).getField(field).get(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static final Map<String, Version> COMPILED = new HashMap<>();

    /** Version {@code v} ("v1" or "v2"), compiled once per test JVM. */
    static synchronized Version of(String v) {
        return COMPILED.computeIfAbsent(v, k -> {
            Compilation c = Compilation.compile(sources(k));
            assertThat(c.success).as(c.report()).isTrue();
            return new Version(c);
        });
    }

    /** The sources of version {@code v}: qualified name → text. */
    static Map<String, String> sources(String v) {
        Map<String, String> sources = new HashMap<>();
        try (var files = Files.list(DIR.resolve(v))) {
            for (Path p : files.toList()) {
                String file = p.getFileName().toString();
                sources.put("evo." + file.substring(0, file.length() - ".java".length()), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }
}
