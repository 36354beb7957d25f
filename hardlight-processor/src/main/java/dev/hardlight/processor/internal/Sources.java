package dev.hardlight.processor.internal;

/** Parts every generated source file shares. */
final class Sources {
    private Sources() {}

    /** The package declaration and a blank line (nothing for the unnamed package). */
    static void header(SourceBuilder src, ServiceModel model) {
        if (!model.packageName().isEmpty()) {
            src.line("package " + model.packageName() + ";");
            src.line("");
        }
    }
}
