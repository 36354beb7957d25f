package dev.hardlight;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The boundary of the public API: no public or protected signature in a public package names a Netty
 * type or an {@code internal} type, so users never depend on either.
 */
class PublicApiTest {

    static List<String> leaks(JavaClasses classes) {
        List<String> leaks = new ArrayList<>();
        for (JavaClass c : classes) {
            if (c.getPackageName().contains(".internal") || !isExported(c)) {
                continue;
            }
            for (JavaCodeUnit unit : c.getCodeUnits()) {
                if (!isExported(unit.getModifiers())) {
                    continue;
                }
                List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                types.add(unit.getRawReturnType());
                unit.getThrowsClause().getTypes().forEach(types::add);
                for (JavaClass t : types) {
                    if (forbidden(t)) {
                        leaks.add(unit.getFullName() + " uses " + t.getName());
                    }
                }
            }
            for (JavaField f : c.getFields()) {
                if (isExported(f.getModifiers()) && forbidden(f.getRawType())) {
                    leaks.add(f.getFullName() + " is a " + f.getRawType().getName());
                }
            }
            if (c.getRawSuperclass().filter(PublicApiTest::forbidden).isPresent()) {
                leaks.add(c.getName() + " extends an internal or Netty type");
            }
        }
        return leaks;
    }

    private static boolean isExported(JavaClass c) {
        return c.getModifiers().contains(JavaModifier.PUBLIC);
    }

    private static boolean isExported(java.util.Set<JavaModifier> m) {
        return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
    }

    private static boolean forbidden(JavaClass t) {
        JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
        return base.getName().startsWith("io.netty.") || base.getPackageName().contains(".internal");
    }

    @Test
    void publicSignaturesNameNoNettyAndNoInternalType() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.hardlight");
        assertThat(classes).isNotEmpty();
        assertThat(leaks(classes)).isEmpty();
    }
}
