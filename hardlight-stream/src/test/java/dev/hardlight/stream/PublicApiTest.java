package dev.hardlight.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No public signature of the public package names an internal type. */
@Timeout(30)
class PublicApiTest {

    @Test
    void publicSignaturesNameNoInternalType() throws Exception {
        Path dir = Path.of(WebSocket.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/hardlight/stream");
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.equals("package-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName("dev.hardlight.stream." + name.replace(".class", ""));
                if (!Modifier.isPublic(c.getModifiers())) {
                    continue;
                }
                checked++;
                for (Method m : c.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers())) {
                        check(leaks, m, m.getGenericReturnType());
                    }
                }
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (Modifier.isPublic(k.getModifiers())) {
                        check(leaks, k, null);
                    }
                }
                for (Field fl : c.getDeclaredFields()) {
                    if (Modifier.isPublic(fl.getModifiers()) && fl.getGenericType().getTypeName().contains(".internal.")) {
                        leaks.add(fl.toString());
                    }
                }
            }
        }
        assertThat(checked).as("public types checked").isGreaterThan(10);
        assertThat(leaks).isEmpty();
    }

    private static void check(List<String> leaks, Executable e, Type returned) {
        List<Type> types = new ArrayList<>(List.of(e.getGenericParameterTypes()));
        types.addAll(List.of(e.getGenericExceptionTypes()));
        if (returned != null) {
            types.add(returned);
        }
        for (Type t : types) {
            if (t.getTypeName().contains(".internal.")) {
                leaks.add(e.toGenericString());
            }
        }
    }
}
