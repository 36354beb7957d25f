package dev.hardlight.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean" suggestions: the known names closest to a mistyped one (edit distance, case ignored). */
final class Suggest {
    private Suggest() {}

    /** Up to three names within a small edit distance of {@code name}, closest first. */
    static List<String> closest(String name, List<String> known) {
        String n = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, n.length() / 3);
        List<String> hits = new ArrayList<>();
        for (String k : known) {
            String lk = k.toLowerCase(Locale.ROOT);
            if (distance(n, lk) <= limit || (n.length() >= 3 && (lk.contains(n) || n.contains(lk)))) {
                hits.add(k);
            }
        }
        hits.sort(Comparator.comparingInt(k -> distance(n, k.toLowerCase(Locale.ROOT))));
        return hits.size() > 3 ? hits.subList(0, 3) : hits;
    }

    /** ": did you mean a, b?" or "" when nothing is close. */
    static String hint(String name, List<String> known) {
        List<String> c = closest(name, known);
        return c.isEmpty() ? "" : ": did you mean " + String.join(", ", c) + "?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
