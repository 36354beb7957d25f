package dev.hardlight.processor.internal;

import java.util.Set;
import java.util.TreeSet;

/** Names a generated local variable must not take, lest it shadow a package or class the code names. */
final class Locals {
    private Locals() {}

    /** The first segments of every qualified name generated code uses, and the generated classes' names. */
    static Set<String> shadowable(ServiceModel model) {
        Set<String> names = new TreeSet<>(Set.of("java", "dev", "javax"));
        names.add(JavaNames.root(model.interfaceName()));
        for (TypeDef def : model.types().values()) {
            names.add(JavaNames.root(def.name()));
        }
        for (ServiceModel.Method m : model.methods()) {
            m.thrown().forEach(t -> names.add(JavaNames.root(t)));
        }
        for (String suffix : new String[] {"Client", "Codecs", "Dispatcher", "Schema"}) {
            names.add(model.prefix() + suffix);
        }
        return names;
    }
}
