package dev.bulwark.model;

/**
 * One label, {@code source:key=value}, as Cilium writes it: {@code k8s:app=web}, {@code reserved:host},
 * {@code cidr:10.0.0.0/8}, {@code fqdn:*.example.com}.
 *
 * <p>Keys and values follow the Kubernetes label rules for every source except {@code reserved}
 * (a reserved name), {@code cidr} (a prefix with zero host bits) and {@code fqdn} (a DNS name or pattern).
 * Ordering is by source, then key, then value: the canonical order of a {@link LabelSet}.
 */
public record Label(String source, String key, String value) implements Comparable<Label> {

    public static final String SOURCE_K8S = "k8s";
    public static final String SOURCE_RESERVED = "reserved";
    public static final String SOURCE_CIDR = "cidr";
    public static final String SOURCE_FQDN = "fqdn";

    static final int MAX_NAME = 63;
    static final int MAX_PREFIX = 253;

    /*
     * The character rules are checked by hand rather than with regular expressions: labels are
     * validated on every request and on every replica's decode of a log entry, and a Matcher per check
     * was a quarter of the allocator's allocation pressure under load (docs/benchmarks.md).
     */
    /** Characters allowed besides the letters and digits (for {@link #lowerRun} and {@link #nameRun}). */
    private static final String NONE = "";
    private static final String DASH = "-";
    private static final String NAME_INNER = "._-";
    private static final String FQDN_INNER = "*.-";
    private static final String FQDN_ENDS = "*";

    public Label {
        if (source == null || key == null || value == null) {
            throw new InvalidLabelException("source, key and value must be present");
        }
        if (source.length() > 32 || !lowerRun(source, DASH, NONE)) {
            throw new InvalidLabelException("source \"" + source
                    + "\": must be 1..32 characters [a-z0-9-], starting and ending alphanumeric");
        }
        switch (source) {
            case SOURCE_RESERVED -> checkReservedName(key);
            case SOURCE_CIDR -> checkCidr(key);
            case SOURCE_FQDN -> checkFqdn(key);
            default -> checkQualifiedName(key);
        }
        checkValue(value);
    }

    /**
     * Parses {@code source:key=value}, {@code source:key} (empty value) or {@code key=value} (source
     * {@code k8s}). The first ':' ends the source except for {@code cidr:} IPv6 prefixes, where the
     * source is always given.
     */
    public static Label parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidLabelException("label is empty");
        }
        String source = SOURCE_K8S;
        String rest = text;
        int colon = text.indexOf(':');
        int equals = text.indexOf('=');
        if (colon >= 0 && (equals < 0 || colon < equals)) {
            source = text.substring(0, colon);
            rest = text.substring(colon + 1);
        }
        int eq = rest.indexOf('=');
        String key = eq < 0 ? rest : rest.substring(0, eq);
        String value = eq < 0 ? "" : rest.substring(eq + 1);
        try {
            return new Label(source, key, value);
        } catch (InvalidLabelException e) {
            throw new InvalidLabelException("\"" + text + "\": " + e.getMessage());
        }
    }

    public static Label k8s(String key, String value) {
        return new Label(SOURCE_K8S, key, value);
    }

    public static Label reserved(String name) {
        return new Label(SOURCE_RESERVED, name, "");
    }

    @Override
    public int compareTo(Label other) {
        int c = source.compareTo(other.source);
        if (c != 0) {
            return c;
        }
        c = key.compareTo(other.key);
        return c != 0 ? c : value.compareTo(other.value);
    }

    /** {@code source:key=value}, or {@code source:key} when the value is empty. */
    @Override
    public String toString() {
        return value.isEmpty() ? source + ":" + key : source + ":" + key + "=" + value;
    }

    /** Kubernetes qualified name: optional DNS-subdomain prefix and '/', then a 1..63 character name. */
    static void checkQualifiedName(String key) {
        String name = key;
        int slash = key.lastIndexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX) {
                throw new InvalidLabelException("key \"" + key + "\": prefix must be a DNS subdomain of 1..253 characters");
            }
            for (String part : prefix.split("\\.", -1)) {
                if (part.length() > MAX_NAME || !lowerRun(part, DASH, NONE)) {
                    throw new InvalidLabelException("key \"" + key
                            + "\": prefix must be a lowercase DNS subdomain ([a-z0-9-] labels separated by '.')");
                }
            }
        }
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new InvalidLabelException("key \"" + key + "\": name part must be 1..63 characters, is " + name.length());
        }
        if (!nameRun(name)) {
            throw new InvalidLabelException("key \"" + key
                    + "\": name part must be [A-Za-z0-9._-], starting and ending alphanumeric");
        }
    }

    static void checkValue(String value) {
        if (value.length() > MAX_NAME) {
            throw new InvalidLabelException("value of " + value.length() + " characters: at most 63 allowed");
        }
        if (!value.isEmpty() && !nameRun(value)) {
            throw new InvalidLabelException("value \"" + value
                    + "\": must be [A-Za-z0-9._-], starting and ending alphanumeric");
        }
    }

    private static void checkReservedName(String key) {
        if (key.isEmpty() || key.length() > MAX_NAME || !lowerRun(key, DASH, NONE)) {
            throw new InvalidLabelException("reserved name \"" + key + "\": must be 1..63 characters [a-z0-9-]");
        }
    }

    private static void checkCidr(String key) {
        try {
            Cidr.parse(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidLabelException("cidr \"" + key + "\": " + e.getMessage());
        }
    }

    private static void checkFqdn(String key) {
        if (key.isEmpty() || key.length() > MAX_PREFIX || !lowerRun(key, FQDN_INNER, FQDN_ENDS)) {
            throw new InvalidLabelException("fqdn \"" + key + "\": must be a lowercase DNS name or pattern ([a-z0-9.*-], <= 253)");
        }
    }

    /** Non-empty; [a-z0-9] or one of {@code ends} at both ends; [a-z0-9] or one of {@code inner} inside. */
    private static boolean lowerRun(String s, String inner, String ends) {
        return run(s, false, inner, ends);
    }

    /** Non-empty; [A-Za-z0-9] at both ends, [A-Za-z0-9._-] inside. */
    private static boolean nameRun(String s) {
        return run(s, true, NAME_INNER, NONE);
    }

    /**
     * Non-empty; every character a lowercase letter or digit (or uppercase letter when {@code upper}),
     * or one of {@code ends} at the first and last position, one of {@code inner} elsewhere.
     */
    private static boolean run(String s, boolean upper, String inner, String ends) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            boolean alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (upper && ch >= 'A' && ch <= 'Z');
            if (!alnum && (i == 0 || i == n - 1 ? ends : inner).indexOf(ch) < 0) {
                return false;
            }
        }
        return true;
    }
}
