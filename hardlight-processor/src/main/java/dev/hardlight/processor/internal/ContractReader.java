package dev.hardlight.processor.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads an {@code @Rpc} interface into a {@link ServiceModel}, reporting every rule it breaks on the
 * element that breaks it (it keeps going after an error, so one compile shows them all). Default,
 * static and private methods are not remote methods and are ignored. Not thread-safe.
 */
public final class ContractReader {
    static final String RPC = "dev.hardlight.Rpc";
    static final String REQUIRES = "dev.hardlight.Requires";
    static final String IDEMPOTENT = "dev.hardlight.Idempotent";
    static final String NON_BLOCKING = "dev.hardlight.NonBlocking";
    static final String CONNECTION_STATE = "dev.hardlight.ConnectionState";
    static final String STATE_LISTENER = "dev.hardlight.StateListener";
    static final String EVENT_LISTENER = "dev.hardlight.EventListener";

    private final Elements elements;
    private final Types types;
    private final ErrorReporter errors;

    public ContractReader(ProcessingEnvironment env, ErrorReporter errors) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.errors = errors;
    }

    /**
     * The model of {@code element}, or {@code null} when it breaks a rule (each one reported).
     *
     * @throws DeferralException when it refers to a type that does not exist yet
     */
    public ServiceModel read(Element element) {
        int errorsBefore = errors.errorCount();
        if (element.getKind() != ElementKind.INTERFACE) {
            errors.error(element, "@Rpc applies to interfaces only; " + element.getSimpleName() + " is "
                    + article(element.getKind()));
            return null;
        }
        TypeElement service = (TypeElement) element;
        String name = service.getQualifiedName().toString();
        String packageName = elements.getPackageOf(service).getQualifiedName().toString();
        TypeResolver resolver = new TypeResolver(elements, errors, packageName);
        checkInterface(service, resolver);
        String state = state(service, resolver);
        String events = events(service, resolver);

        List<ServiceModel.Method> methods = new ArrayList<>();
        Map<String, ExecutableElement> byName = new HashMap<>();
        for (ExecutableElement method : ElementFilter.methodsIn(service.getEnclosedElements())) {
            Set<Modifier> modifiers = method.getModifiers();
            if (modifiers.contains(Modifier.STATIC) || modifiers.contains(Modifier.DEFAULT)
                    || modifiers.contains(Modifier.PRIVATE)) {
                continue;
            }
            String methodName = method.getSimpleName().toString();
            if (byName.putIfAbsent(methodName, method) != null) {
                errors.error(method, "overloaded method " + methodName + ": method names must be unique in an @Rpc "
                        + "interface (calls are matched by name)");
                continue;
            }
            ServiceModel.Method m = method(method, methods.size(), resolver);
            if (m != null) {
                methods.add(m);
            }
        }
        checkAsyncClashes(byName);
        if (state != null) {
            checkStateClashes(byName);
        }
        if (events != null) {
            checkEventClashes(byName);
        }
        Map<String, TypeDef> defs = resolver.defineAll();
        if (state != null && errors.errorCount() == errorsBefore) {
            String missing = ZeroValue.missing(state, defs);
            if (missing != null) {
                AnnotationMirror rpc = rpcAnnotation(service);
                errors.error(service, rpc, stateValue(rpc), "@Rpc(state = " + state + ".class): the initial state "
                        + "cannot be built: " + missing + "; make one of those components @Nullable, an Optional or "
                        + "a collection");
            }
        }
        if (errors.errorCount() != errorsBefore) {
            return null;
        }
        return new ServiceModel(packageName, name, resolver.flatName(service), serviceName(service),
                methods, defs, state, events);
    }

    private void checkInterface(TypeElement service, TypeResolver resolver) {
        if (!service.getTypeParameters().isEmpty()) {
            errors.error(service, "@Rpc interface " + service.getQualifiedName()
                    + " must not be generic: every type crossing the wire must be known at compile time");
        }
        Element enclosing = service.getEnclosingElement();
        if (enclosing.getKind() != ElementKind.PACKAGE && !(enclosing instanceof TypeElement)
                || !resolver.accessible(service)) {
            errors.error(service, "@Rpc interface " + service.getSimpleName()
                    + " must be top-level or a non-private member of an accessible type");
        }
        for (TypeMirror parent : service.getInterfaces()) {
            TypeElement parentElement = (TypeElement) types.asElement(parent);
            for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(parentElement))) {
                if (m.getModifiers().contains(Modifier.ABSTRACT)
                        && !m.getEnclosingElement().toString().equals("java.lang.Object")) {
                    errors.error(service, "@Rpc interface " + service.getSimpleName() + " inherits abstract method "
                            + m.getSimpleName() + " from " + m.getEnclosingElement()
                            + ": declare every remote method in the @Rpc interface itself");
                }
            }
        }
    }

    private ServiceModel.Method method(ExecutableElement method, int id, TypeResolver resolver) {
        String name = method.getSimpleName().toString();
        if (!method.getTypeParameters().isEmpty()) {
            errors.error(method, "method " + name + " must not be generic: every type crossing the wire must be "
                    + "known at compile time");
            return null;
        }
        if (method.getParameters().isEmpty() && (name.equals("close") || name.equals("channel") || name.equals("features"))) {
            errors.error(method, "method " + name + "() is reserved by the generated client; rename it");
        }
        if (name.equals("withDeadline") && method.getParameters().size() == 1
                && types.asElement(method.getParameters().get(0).asType()) instanceof TypeElement t
                && t.getQualifiedName().contentEquals("java.time.Duration")) {
            errors.error(method, "method withDeadline(Duration) is reserved by the generated client; rename it");
        }
        List<TypeDef.Component> params = new ArrayList<>();
        for (VariableElement p : method.getParameters()) {
            String where = "method " + name + " parameter '" + p.getSimpleName() + "'";
            WireType type = resolver.resolve(p.asType(), p, where);
            boolean nullable = resolver.nullable(p, p.asType(), where);
            params.add(new TypeDef.Component(p.getSimpleName().toString(), type, nullable,
                    resolver.evolution().defaultValue(p, type, nullable, where)));
        }
        TypeDef.Component result = null;
        TypeMirror returnType = method.getReturnType();
        String where = "method " + name + " return type";
        if (returnType.getKind() == TypeKind.VOID) {
            if (resolver.nullable(method, returnType, where)) {
                errors.error(method, "method " + name + " returns void: @Nullable does not apply");
            }
        } else {
            WireType type = resolver.resolve(returnType, method, where);
            result = new TypeDef.Component("result", type, resolver.nullable(method, returnType, where));
        }
        List<TypeMirror> valid = new ArrayList<>();
        for (TypeMirror t : method.getThrownTypes()) {
            if (checkDeclaredError(method, t)) {
                valid.add(t);
            }
        }
        List<String> thrown = new ArrayList<>();
        List<String> rethrown = new ArrayList<>();
        for (TypeMirror t : valid) {
            String qualified = ((TypeElement) types.asElement(t)).getQualifiedName().toString();
            thrown.add(qualified);
            boolean covered = valid.stream().anyMatch(o -> types.isSubtype(t, o) && !types.isSameType(t, o));
            if (!covered && !rethrown.contains(qualified)) {
                rethrown.add(qualified);
            }
        }
        return new ServiceModel.Method(id, name, params, result, thrown, rethrown, method.isVarArgs(),
                requiredFeature(method), annotated(method, IDEMPOTENT), annotated(method, NON_BLOCKING));
    }

    /** Whether {@code method} carries the annotation named {@code qualifiedName}. */
    private static boolean annotated(ExecutableElement method, String qualifiedName) {
        for (AnnotationMirror a : method.getAnnotationMirrors()) {
            if (((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(qualifiedName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The feature of {@code method}'s {@code @Requires}, or {@code null} when it has none or its value breaks
     * the rule of {@code Features.checkName} (reported on the annotation).
     */
    private String requiredFeature(ExecutableElement method) {
        for (AnnotationMirror a : method.getAnnotationMirrors()) {
            if (!((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(REQUIRES)) {
                continue;
            }
            AnnotationValue value = annotationValue(a, "value");
            if (value == null || !(value.getValue() instanceof String feature)) {
                return null; // missing or not a constant string: javac reports that itself
            }
            if (!validFeatureName(feature)) {
                errors.error(method, a, null, "method " + method.getSimpleName() + ": @Requires("
                        + JavaNames.literal(feature) + "): invalid feature name (expected: 1 to 64 characters of "
                        + "ASCII letters, digits, '.', '_', '-' or ':')");
                return null;
            }
            return feature;
        }
        return null;
    }

    /** The rule of {@code dev.hardlight.Features.checkName}: 1 to 64 of ASCII letters, digits, '.', '_', '-', ':'. */
    static boolean validFeatureName(String feature) {
        if (feature.isEmpty() || feature.length() > 64) {
            return false;
        }
        for (int i = 0; i < feature.length(); i++) {
            char c = feature.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Declared exceptions refused as too broad: the roots of the exception hierarchy and the JDK's
     * checked exceptions that stand for whole families of failures (I/O, reflection, security, SQL),
     * which a handler's unrelated failures would match.
     */
    static final Set<String> BROAD_EXCEPTIONS = Set.of(
            "java.lang.Throwable", "java.lang.Exception", "java.io.IOException",
            "java.lang.ReflectiveOperationException", "java.security.GeneralSecurityException",
            "java.sql.SQLException", "java.util.concurrent.ExecutionException");

    private boolean checkDeclaredError(ExecutableElement method, TypeMirror t) {
        String prefix = "method " + method.getSimpleName() + ": declared exception " + t;
        if (t.getKind() == TypeKind.ERROR) {
            throw new DeferralException(t.toString());
        }
        if (t.getKind() == TypeKind.DECLARED) {
            String qualified = ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().toString();
            if (BROAD_EXCEPTIONS.contains(qualified)) {
                errors.error(method, prefix + " is too broad: every failure of the handler, whatever its cause, "
                        + "would reach the caller as this application error and lose its status. Declare the "
                        + "specific exceptions the caller handles (your own checked exception classes); let "
                        + "unexpected failures propagate as unchecked exceptions (the caller gets INTERNAL, the "
                        + "server logs them), and throw RpcException for a status");
                return false;
            }
        }
        TypeMirror exception = elements.getTypeElement("java.lang.Exception").asType();
        TypeMirror runtime = elements.getTypeElement("java.lang.RuntimeException").asType();
        if (t.getKind() != TypeKind.DECLARED || !types.isSubtype(t, exception) || types.isSubtype(t, runtime)) {
            errors.error(method, prefix + " must be a checked exception (a subclass of Exception, not of "
                    + "RuntimeException); unchecked exceptions need no declaration and reach the caller as "
                    + "RpcException");
            return false;
        }
        TypeElement type = (TypeElement) ((DeclaredType) t).asElement();
        boolean instantiable = !type.getModifiers().contains(Modifier.ABSTRACT)
                && (type.getEnclosingElement().getKind() == ElementKind.PACKAGE
                        || type.getModifiers().contains(Modifier.STATIC))
                && type.getModifiers().contains(Modifier.PUBLIC);
        boolean stringConstructor = ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
                .anyMatch(c -> c.getModifiers().contains(Modifier.PUBLIC) && c.getParameters().size() == 1
                        && types.isSameType(c.getParameters().get(0).asType(),
                                elements.getTypeElement("java.lang.String").asType()));
        if (!instantiable || !stringConstructor) {
            errors.error(method, prefix + " must be a public, non-abstract, static (if nested) class with a "
                    + "public constructor taking the message (String): the client rebuilds it from the message");
            return false;
        }
        return true;
    }

    /** The generated client adds {@code <name>Async}: an interface method with that signature clashes. */
    private void checkAsyncClashes(Map<String, ExecutableElement> byName) {
        for (ExecutableElement method : byName.values()) {
            ExecutableElement async = byName.get(method.getSimpleName() + "Async");
            if (async != null && sameErasures(method, async)) {
                errors.error(async, "method " + async.getSimpleName() + " clashes with the generated asynchronous "
                        + "variant of " + method.getSimpleName() + "; rename one of them");
            }
        }
    }

    private boolean sameErasures(ExecutableElement a, ExecutableElement b) {
        if (a.getParameters().size() != b.getParameters().size()) {
            return false;
        }
        for (int i = 0; i < a.getParameters().size(); i++) {
            if (!types.isSameType(types.erasure(a.getParameters().get(i).asType()),
                    types.erasure(b.getParameters().get(i).asType()))) {
                return false;
            }
        }
        return true;
    }

    private String serviceName(TypeElement service) {
        String name = service.getSimpleName().toString();
        for (AnnotationMirror a : service.getAnnotationMirrors()) {
            if (!((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(RPC)) {
                continue;
            }
            for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : a.getElementValues().entrySet()) {
                String key = e.getKey().getSimpleName().toString();
                String value = e.getValue().getValue().toString();
                if (key.equals("name") && !value.isEmpty()) {
                    checkServiceName(service, value);
                    name = value;
                }
            }
        }
        return name;
    }

    /** The {@code @Rpc} annotation of {@code service}. */
    private static AnnotationMirror rpcAnnotation(TypeElement service) {
        for (AnnotationMirror a : service.getAnnotationMirrors()) {
            if (((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(RPC)) {
                return a;
            }
        }
        throw new IllegalStateException(service + " is not annotated @Rpc");
    }

    /** The explicit {@code state} value of an {@code @Rpc} annotation, or {@code null}. */
    private static AnnotationValue stateValue(AnnotationMirror rpc) {
        return annotationValue(rpc, "state");
    }

    /** The explicit value of element {@code name} of an annotation, or {@code null}. */
    private static AnnotationValue annotationValue(AnnotationMirror annotation, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : annotation.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * The canonical name of the {@code @Rpc(state)} record, queued for definition in {@code resolver};
     * {@code null} when there is none or it breaks a rule (reported on the annotation value).
     */
    private String state(TypeElement service, TypeResolver resolver) {
        AnnotationMirror rpc = rpcAnnotation(service);
        AnnotationValue value = stateValue(rpc);
        if (value == null || !(value.getValue() instanceof TypeMirror type) || type.getKind() == TypeKind.VOID) {
            return null; // absent, void.class, or not a class literal (javac reports that itself)
        }
        if (type.getKind() == TypeKind.ERROR) {
            throw new DeferralException(type.toString());
        }
        String prefix = "@Rpc(state = " + type + ".class): ";
        TypeElement element = type.getKind() == TypeKind.DECLARED ? (TypeElement) types.asElement(type) : null;
        if (element == null || element.getKind() != ElementKind.RECORD) {
            errors.error(service, rpc, value, prefix + "the connection state must be a record annotated "
                    + "@ConnectionState");
            return null;
        }
        boolean annotated = element.getAnnotationMirrors().stream()
                .anyMatch(a -> ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName()
                        .contentEquals(CONNECTION_STATE));
        if (!annotated) {
            errors.error(service, rpc, value, prefix + "record " + element.getQualifiedName()
                    + " is not annotated @ConnectionState; annotate it to mark it as visible to every client");
            return null;
        }
        if (!element.getTypeParameters().isEmpty()) {
            errors.error(service, rpc, value, prefix + "the connection state record must not be generic");
            return null;
        }
        if (!resolver.accessible(element)) {
            errors.error(service, rpc, value, prefix + "record " + element.getQualifiedName() + " must be top-level "
                    + "or a static member, and accessible from package '"
                    + elements.getPackageOf(service).getQualifiedName() + "', where the generated code lives; make "
                    + "it public");
            return null;
        }
        WireType resolved = resolver.resolve(type, service, "@Rpc(state)");
        return resolved instanceof WireType.Named n ? n.name() : null;
    }

    /**
     * The canonical name of the {@code @Rpc(events)} type, queued for definition in {@code resolver};
     * {@code null} when there is none or it breaks a rule (reported on the annotation value).
     */
    private String events(TypeElement service, TypeResolver resolver) {
        AnnotationMirror rpc = rpcAnnotation(service);
        AnnotationValue value = annotationValue(rpc, "events");
        if (value == null || !(value.getValue() instanceof TypeMirror type) || type.getKind() == TypeKind.VOID) {
            return null; // absent, void.class, or not a class literal (javac reports that itself)
        }
        if (type.getKind() == TypeKind.ERROR) {
            throw new DeferralException(type.toString());
        }
        String prefix = "@Rpc(events = " + type + ".class): ";
        TypeElement element = type.getKind() == TypeKind.DECLARED ? (TypeElement) types.asElement(type) : null;
        boolean sealedInterface = element != null && element.getKind() == ElementKind.INTERFACE
                && element.getModifiers().contains(Modifier.SEALED);
        if (element == null || !sealedInterface && element.getKind() != ElementKind.ENUM) {
            errors.error(service, rpc, value, prefix + "the event type must be a sealed interface (of records, enums "
                    + "or sealed interfaces) or an enum");
            return null;
        }
        if (!element.getTypeParameters().isEmpty()) {
            errors.error(service, rpc, value, prefix + "the event type must not be generic");
            return null;
        }
        if (!resolver.accessible(element)) {
            errors.error(service, rpc, value, prefix + "type " + element.getQualifiedName() + " must be top-level "
                    + "or a static member, and accessible from package '"
                    + elements.getPackageOf(service).getQualifiedName() + "', where the generated code lives; make "
                    + "it public");
            return null;
        }
        if (sealedInterface) {
            boolean valid = true;
            for (TypeMirror sub : element.getPermittedSubclasses()) {
                if (sub.getKind() == TypeKind.ERROR) {
                    throw new DeferralException(sub.toString());
                }
                TypeElement subElement = (TypeElement) types.asElement(sub);
                boolean ok = subElement.getKind() == ElementKind.RECORD || subElement.getKind() == ElementKind.ENUM
                        || subElement.getKind() == ElementKind.INTERFACE
                        && subElement.getModifiers().contains(Modifier.SEALED);
                if (!ok) {
                    errors.error(service, rpc, value, prefix + "sealed interface " + element.getQualifiedName()
                            + " permits " + subElement.getQualifiedName() + ", which is not a record, an enum or a "
                            + "sealed interface");
                    valid = false;
                }
            }
            if (!valid) {
                return null;
            }
        }
        WireType resolved = resolver.resolve(type, service, "@Rpc(events)");
        return resolved instanceof WireType.Named n ? n.name() : null;
    }

    /** The generated client of a service with events adds {@code events()}, {@code onEvent} and {@code removeEventListener}. */
    private void checkEventClashes(Map<String, ExecutableElement> byName) {
        ExecutableElement events = byName.get("events");
        if (events != null && events.getParameters().isEmpty()) {
            errors.error(events, "method events() clashes with the generated client's accessor of the event stream; "
                    + "rename it");
        }
        for (String listenerMethod : List.of("onEvent", "removeEventListener")) {
            ExecutableElement m = byName.get(listenerMethod);
            if (m != null && m.getParameters().size() == 1 && types.asElement(types.erasure(
                    m.getParameters().get(0).asType())) instanceof TypeElement t
                    && t.getQualifiedName().contentEquals(EVENT_LISTENER)) {
                errors.error(m, "method " + listenerMethod + "(EventListener) clashes with the generated client's "
                        + "method of the same signature for events; rename it");
            }
        }
    }

    /** The generated client of a service with a state adds {@code state()}, {@code onStateChange} and {@code removeStateListener}. */
    private void checkStateClashes(Map<String, ExecutableElement> byName) {
        ExecutableElement state = byName.get("state");
        if (state != null && state.getParameters().isEmpty()) {
            errors.error(state, "method state() clashes with the generated client's accessor of the connection "
                    + "state; rename it");
        }
        for (String listenerMethod : List.of("onStateChange", "removeStateListener")) {
            ExecutableElement m = byName.get(listenerMethod);
            if (m != null && m.getParameters().size() == 1 && types.asElement(types.erasure(
                    m.getParameters().get(0).asType())) instanceof TypeElement t
                    && t.getQualifiedName().contentEquals(STATE_LISTENER)) {
                errors.error(m, "method " + listenerMethod + "(StateListener) clashes with the generated client's "
                        + "method of the same signature for the connection state; rename it");
            }
        }
    }

    private void checkServiceName(TypeElement service, String value) {
        if (value.isBlank() || value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            errors.error(service, "@Rpc(name = \"" + value + "\"): a service name must not contain whitespace");
        }
    }

    private static String article(ElementKind kind) {
        String k = kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return (k.startsWith("a") || k.startsWith("e") ? "an " : "a ") + k;
    }
}
