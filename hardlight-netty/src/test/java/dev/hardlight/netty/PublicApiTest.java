package dev.hardlight.netty;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The boundary of the public API, over every library module on this class path (hardlight-core,
 * hardlight-processor, hardlight-netty): no exported signature names a Netty type or an
 * {@code internal} type, counting superclasses, implemented interfaces, type parameters' bounds and
 * every generic argument, so users never depend on either. Exported: a public class outside the
 * {@code internal} packages (and public or nested in such a class), and its public and protected
 * members.
 */
@AnalyzeClasses(packages = "dev.hardlight", importOptions = ImportOption.DoNotIncludeTests.class)
class PublicApiTest {

    @ArchTest
    static final ArchRule publicSignaturesNameNoNettyAndNoInternalType = classes()
            .that(exported())
            .should(nameNoNettyAndNoInternalType());

    /** The transport's public types are final, sealed, or functional interfaces the application implements. */
    @ArchTest
    static final ArchRule transportTypesAreClosed = classes()
            .that(exported()).and().resideInAPackage("dev.hardlight.netty")
            .should(new ArchCondition<>("be final, sealed or functional") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    Class<?> type = c.reflect();
                    boolean closed = c.getModifiers().contains(JavaModifier.FINAL) || type.isSealed() || type.isEnum()
                            || type.isRecord() || type.isAnnotationPresent(FunctionalInterface.class)
                            || isObserverInterface(type);
                    events.add(new SimpleConditionEvent(c, closed, c.getName() + " is neither final, sealed, functional nor an observer (all methods default)"));
                }
            });

    /**
     * An interface made to be implemented in part (every method has a default that does nothing), as
     * {@link RpcObserver}: adding a method to it breaks no implementation.
     */
    static boolean isObserverInterface(Class<?> type) {
        return type.isInterface() && java.util.Arrays.stream(type.getMethods())
                .noneMatch(m -> java.lang.reflect.Modifier.isAbstract(m.getModifiers()));
    }

    static DescribedPredicate<JavaClass> exported() {
        return DescribedPredicate.describe("are exported", PublicApiTest::isExported);
    }

    static ArchCondition<JavaClass> nameNoNettyAndNoInternalType() {
        return new ArchCondition<>("name no Netty and no internal type in a public signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (String leak : leaks(c)) {
                    events.add(SimpleConditionEvent.violated(c, leak));
                }
            }
        };
    }

    private static boolean isExported(JavaClass c) {
        if (!c.getModifiers().contains(JavaModifier.PUBLIC) || c.getPackageName().contains(".internal")) {
            return false;
        }
        return c.getEnclosingClass().map(PublicApiTest::isExported).orElse(true);
    }

    private static boolean isExported(Set<JavaModifier> m) {
        return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
    }

    /** Every place an exported signature of {@code c} names a forbidden type. */
    static List<String> leaks(JavaClass c) {
        List<String> leaks = new ArrayList<>();
        c.getSuperclass().ifPresent(t -> check(c.getName() + " extends " + t.getName(), t, leaks));
        for (JavaType t : c.getInterfaces()) {
            check(c.getName() + " implements " + t.getName(), t, leaks);
        }
        for (JavaType t : c.getTypeParameters()) {
            check(c.getName() + " type parameter " + t.getName(), t, leaks);
        }
        for (JavaCodeUnit unit : c.getCodeUnits()) {
            if (!isExported(unit.getModifiers()) || unit.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                continue;
            }
            check(unit.getFullName() + " returns", unit.getReturnType(), leaks);
            for (JavaType t : unit.getParameterTypes()) {
                check(unit.getFullName() + " takes", t, leaks);
            }
            for (JavaType t : unit.getTypeParameters()) {
                check(unit.getFullName() + " type parameter", t, leaks);
            }
            unit.getThrowsClause().getTypes().forEach(t -> check(unit.getFullName() + " throws", t, leaks));
        }
        for (JavaField f : c.getFields()) {
            if (isExported(f.getModifiers()) && !f.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                check(f.getFullName() + " is a", f.getType(), leaks);
            }
        }
        return leaks;
    }

    private static void check(String where, JavaType type, List<String> leaks) {
        Collection<JavaClass> involved = type.getAllInvolvedRawTypes();
        for (JavaClass t : involved) {
            JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
            if (base.getName().startsWith("io.netty.") || base.getPackageName().contains(".internal")) {
                leaks.add(where + " " + type.getName() + " (names " + base.getName() + ")");
            }
        }
    }

    // ---- the rule itself can fail -----------------------------------------------------------

    /** A type that leaks Netty only through a generic argument of an interface it implements, and of its method. */
    public static final class LeaksThroughAnInterface implements Supplier<List<ByteBuf>> {
        @Override
        public List<ByteBuf> get() {
            return List.of();
        }
    }

    @Test
    void theRuleSeesEveryLibraryModule() {
        JavaClasses imported = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.hardlight");
        assertThat(imported.contain("dev.hardlight.RpcException")).as("hardlight-core").isTrue();
        assertThat(imported.contain("dev.hardlight.processor.RpcProcessor")).as("hardlight-processor").isTrue();
        assertThat(imported.contain(HardLight.class)).as("hardlight-netty").isTrue();
    }

    @Test
    void theRuleFindsANettyTypeInAGenericArgumentOfAnImplementedInterface() {
        JavaClasses leaky = new ClassFileImporter().importClasses(LeaksThroughAnInterface.class);
        ArchRule rule = classes().should(nameNoNettyAndNoInternalType()); // nested in a package-private test: not exported
        assertThatThrownBy(() -> rule.check(leaky)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("implements java.util.function.Supplier")
                .hasMessageContaining("io.netty.buffer.ByteBuf")
                .hasMessageContaining("get() returns");
    }
}
