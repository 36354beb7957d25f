package dev.hardlight.processor.internal;

import dev.hardlight.internal.schema.Compatibility;
import dev.hardlight.internal.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The build-time breaking-change check: a contract's schema text against a baseline schema text (an
 * older release's), by the compatibility rule of {@code docs/protocol.md} section 6.6 applied in both
 * directions (old clients against the new server, new clients against an old server). Removing a
 * method, the state or the event type is breaking; adding one is not. Stateless.
 */
public final class Baseline {
    private Baseline() {}

    /** The outcome: each breaking change, and the enums and sealed interfaces that gained constants or subtypes. */
    public record Result(List<String> breaking, Set<String> grown) {}

    /**
     * Compares {@code current} with {@code baseline}.
     *
     * @throws IllegalArgumentException when {@code baseline} is not a valid schema text
     */
    public static Result check(String baseline, String current) {
        Schema old = Schema.parse(baseline);
        Schema now = Schema.parse(current);
        Compatibility compatibility = new Compatibility(now, old, "now", "in the baseline");
        List<String> breaking = new ArrayList<>();
        if (!now.service().equals(old.service())) {
            breaking.add("the service name is '" + now.service() + "' now and '" + old.service()
                    + "' in the baseline: clients of the baseline refuse the server");
        }
        for (String name : old.methods().keySet()) {
            if (!now.methods().containsKey(name)) {
                breaking.add("method " + name + " was removed: clients of the baseline get UNIMPLEMENTED");
                continue;
            }
            String d = compatibility.method(name);
            if (d != null) {
                breaking.add("method " + name + ": " + d);
            }
        }
        typeChange("connection state", old.state(), now.state(), compatibility, breaking);
        typeChange("event type", old.events(), now.events(), compatibility, breaking);
        return new Result(breaking, compatibility.grownHere());
    }

    private static void typeChange(String what, String old, String now, Compatibility compatibility,
                                   List<String> breaking) {
        if (old == null) {
            return; // added (or still absent): clients of the baseline ignore it
        }
        if (now == null) {
            breaking.add("the " + what + " " + old + " was removed: clients of the baseline refuse the server");
        } else if (!now.equals(old)) {
            breaking.add("the " + what + " is " + now + " now and " + old + " in the baseline");
        } else {
            String d = compatibility.type(now, old);
            if (d != null) {
                breaking.add("the " + what + ": " + d);
            }
        }
    }
}
