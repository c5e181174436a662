package dev.bulwark.model.identity;

import dev.bulwark.model.Label;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One include or exclude rule of the {@link SecurityLabelFilter}, written as Cilium writes it:
 * {@code [!][source:]regex}. The regex is matched against the start of a label's key; a leading
 * {@code !} makes it an exclude; an optional source restricts it to labels of that source.
 *
 * <p>{@link #weight()} is the length of the pattern text, which is how Cilium ranks matches: the
 * longest matching include competes with the shortest matching exclude.
 *
 * @param source  the label source this applies to, or empty for any source
 * @param prefix  the regex text matched at the start of the key
 * @param exclude true for {@code !} patterns
 */
public record LabelPattern(String source, String prefix, boolean exclude) {

    /** Compiled regexes by text, so the record stays a plain value while matching stays cheap. */
    private static final ConcurrentHashMap<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    public LabelPattern {
        if (source == null || prefix == null) {
            throw new IllegalArgumentException("source and prefix must be present");
        }
        compile(prefix);
    }

    /** Parses {@code [!][source:]regex}; the error names the expression and why it is wrong. */
    public static LabelPattern parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("label pattern is empty");
        }
        boolean exclude = expression.startsWith("!");
        String rest = exclude ? expression.substring(1) : expression;
        String source = "";
        int colon = rest.indexOf(':');
        if (colon > 0 && rest.substring(0, colon).matches("[a-z0-9-]+")) {
            source = rest.substring(0, colon);
            rest = rest.substring(colon + 1);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("label pattern \"" + expression + "\": no key prefix");
        }
        try {
            return new LabelPattern(source, rest, exclude);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label pattern \"" + expression + "\": " + e.getMessage(), e);
        }
    }

    /** True when this pattern applies to {@code label}: same source (if one is set), key starts with a regex match. */
    public boolean matches(Label label) {
        if (!source.isEmpty() && !source.equals(label.source())) {
            return false;
        }
        return compile(prefix).matcher(label.key()).lookingAt();
    }

    /** Rank of a match: the length of the pattern text (Cilium's rule). */
    public int weight() {
        return prefix.length();
    }

    @Override
    public String toString() {
        return (exclude ? "!" : "") + (source.isEmpty() ? "" : source + ":") + prefix;
    }

    private static Pattern compile(String prefix) {
        try {
            return COMPILED.computeIfAbsent(prefix, Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription(), e);
        }
    }
}
