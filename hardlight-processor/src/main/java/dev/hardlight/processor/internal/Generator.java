package dev.hardlight.processor.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Generates the Java sources of one contract. Pure: the same model gives the same text. */
public final class Generator {
    private Generator() {}

    /** Qualified class name → source text, for the Schema, Dispatcher, Client and Codecs classes. */
    public static Map<String, String> generate(ServiceModel model) {
        ValueCode code = new ValueCode(model);
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put(model.qualified("Schema"), SchemaWriter.write(code));
        sources.put(model.qualified("Dispatcher"), DispatcherWriter.write(code));
        sources.put(model.qualified("Client"), ClientWriter.write(code));
        // last: the others request its composite codec fields
        sources.put(model.qualified("Codecs"), CodecsWriter.write(code));
        return sources;
    }
}
