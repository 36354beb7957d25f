package dev.hardlight.internal.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compatibility rule of {@code docs/protocol.md} section 6.6 between two contracts: one on this
 * side ("here") and the peer's ("there"). Types are compared by canonical name (a rename is a
 * difference); records, parameter lists, enums and sealed interfaces may differ only by what one side
 * appended; {@code X} and {@code X?} differ. Each check returns {@code null} when compatible, else the
 * precise difference, positions counted from 1, e.g. {@code parameter 1 is 'name:string' here and
 * 'id:long' there} or {@code record shop.Item component 2 is 'count:int' here and 'count:long' there}.
 *
 * <p>Not thread-safe: one per comparison (it memoises the pairs of types it compared).
 */
public final class Compatibility {
    private static final String MISMATCH = "";

    private final Schema here;
    private final Schema there;
    private final String hereWord;
    private final String thereWord;
    /** Named types compared or being compared: a type reaching itself is taken as compatible meanwhile. */
    private final Map<String, String> compared = new HashMap<>();
    private final Set<String> grown = new TreeSet<>();

    /** Compares {@code here} with {@code there}, the messages saying "here" and "there". */
    public Compatibility(Schema here, Schema there) {
        this(here, there, "here", "there");
    }

    /** Compares {@code here} with {@code there}, the messages naming them {@code hereWord} and {@code thereWord}. */
    public Compatibility(Schema here, Schema there, String hereWord, String thereWord) {
        this.here = here;
        this.there = there;
        this.hereWord = hereWord;
        this.thereWord = thereWord;
    }

    /**
     * The difference between method {@code name} on both sides (present on both), or {@code null} when a
     * call made by one side is understood by the other.
     */
    public String method(String name) {
        Schema.Method a = here.methods().get(name);
        Schema.Method b = there.methods().get(name);
        String d = fields("parameter", a.params(), b.params());
        if (d != null) {
            return d;
        }
        d = diff(a.result(), b.result());
        if (d != null) {
            return d.isEmpty() ? "result is '" + a.result() + "' " + hereWord + " and '" + b.result() + "' "
                    + thereWord : d;
        }
        for (int i = 0; i < Math.min(a.exceptions().size(), b.exceptions().size()); i++) {
            if (!a.exceptions().get(i).equals(b.exceptions().get(i))) {
                return "declared exception " + (i + 1) + " is " + a.exceptions().get(i) + " " + hereWord + " and "
                        + b.exceptions().get(i) + " " + thereWord;
            }
        }
        return null;
    }

    /**
     * The difference between type expression {@code a} here and {@code b} there (a state record or an
     * event type), or {@code null} when compatible.
     */
    public String type(String a, String b) {
        String d = diff(a, b);
        if (d != null && d.isEmpty()) {
            return "type '" + a + "' " + hereWord + " and '" + b + "' " + thereWord;
        }
        return d;
    }

    /**
     * The enums and sealed interfaces compared so far that have more constants or subtypes on this side
     * than on the other (the other side's readers meet values they do not know).
     */
    public Set<String> grownHere() {
        return grown;
    }

    private String fields(String what, List<Schema.Field> a, List<Schema.Field> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Schema.Field fa = a.get(i);
            Schema.Field fb = b.get(i);
            String d = fa.name().equals(fb.name()) ? diff(fa.type(), fb.type()) : MISMATCH;
            if (d != null) {
                return d.isEmpty() ? what + " " + (i + 1) + " is '" + fa + "' " + hereWord + " and '" + fb + "' "
                        + thereWord : d;
            }
        }
        return null;
    }

    /** {@code null}: compatible; {@link #MISMATCH}: {@code a} and {@code b} themselves differ; else a nested difference. */
    private String diff(String a, String b) {
        boolean na = a.endsWith("?");
        boolean nb = b.endsWith("?");
        if (na || nb) {
            return na && nb ? diff(a.substring(0, a.length() - 1), b.substring(0, b.length() - 1)) : MISMATCH;
        }
        int open = a.indexOf('<');
        if (open >= 0 || b.indexOf('<') >= 0) {
            if (open < 0 || !a.endsWith(">") || !b.startsWith(a.substring(0, open + 1)) || !b.endsWith(">")) {
                return MISMATCH;
            }
            List<String> argsA = Schema.splitTopLevel(a.substring(open + 1, a.length() - 1));
            List<String> argsB = Schema.splitTopLevel(b.substring(open + 1, b.length() - 1));
            if (argsA.size() != argsB.size()) {
                return MISMATCH;
            }
            for (int i = 0; i < argsA.size(); i++) {
                String d = diff(argsA.get(i), argsB.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (!a.equals(b)) {
            return MISMATCH;
        }
        return named(a);
    }

    private String named(String name) {
        if (compared.containsKey(name)) {
            return compared.get(name);
        }
        compared.put(name, null);
        String d = compareNamed(name);
        compared.put(name, d);
        return d;
    }

    private String compareNamed(String name) {
        Schema.Type ta = here.types().get(name);
        Schema.Type tb = there.types().get(name);
        if (ta == null || tb == null) {
            // a built-in type (int, string, ...) on both sides, or one side lacks the definition
            return ta == tb ? null : "type " + name + " is " + (ta == null ? "undefined" : ta.kind()) + " "
                    + hereWord + " and " + (tb == null ? "undefined" : tb.kind()) + " " + thereWord;
        }
        if (!ta.kind().equals(tb.kind())) {
            return "type " + name + " is " + article(ta.kind()) + " " + hereWord + " and " + article(tb.kind()) + " "
                    + thereWord;
        }
        return switch (ta) {
            case Schema.Record ra -> fields("record " + name + " component", ra.components(),
                    ((Schema.Record) tb).components());
            case Schema.Enum ea -> {
                List<String> ca = ea.constants();
                List<String> cb = ((Schema.Enum) tb).constants();
                if (ca.size() > cb.size()) {
                    grown.add(name);
                }
                for (int i = 0; i < Math.min(ca.size(), cb.size()); i++) {
                    if (!ca.get(i).equals(cb.get(i))) {
                        yield "enum " + name + " constant " + (i + 1) + " is " + ca.get(i) + " " + hereWord + " and "
                                + cb.get(i) + " " + thereWord;
                    }
                }
                yield null;
            }
            case Schema.Sealed sa -> {
                List<String> pa = sa.subtypes();
                List<String> pb = ((Schema.Sealed) tb).subtypes();
                if (pa.size() > pb.size()) {
                    grown.add(name);
                }
                for (int i = 0; i < Math.min(pa.size(), pb.size()); i++) {
                    if (!pa.get(i).equals(pb.get(i))) {
                        yield "sealed " + name + " subtype " + (i + 1) + " is " + pa.get(i) + " " + hereWord + " and "
                                + pb.get(i) + " " + thereWord;
                    }
                    String d = named(pa.get(i));
                    if (d != null) {
                        yield d;
                    }
                }
                yield null;
            }
        };
    }

    private static String article(String kind) {
        return (kind.startsWith("e") ? "an " : "a ") + kind;
    }
}
