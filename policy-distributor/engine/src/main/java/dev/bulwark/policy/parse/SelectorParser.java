package dev.bulwark.policy.parse;

import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.Label;
import dev.bulwark.policy.api.Requirement;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads Kubernetes label selectors ({@code matchLabels}, {@code matchExpressions}) into {@link Selector}s.
 * How a written key becomes a source-qualified key is the caller's choice: NetworkPolicy pod selectors
 * use {@code k8s:}, namespace selectors {@code k8s:io.cilium.k8s.namespace.labels.}, Cilium selectors
 * the written source or {@code any:}.
 */
final class SelectorParser {

    static final String NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace";
    static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";

    private static final Set<String> FIELDS = Set.of("matchLabels", "matchExpressions");
    private static final Set<String> EXPRESSION_FIELDS = Set.of("key", "operator", "values");

    private SelectorParser() {
    }

    /** NetworkPolicy pod selector keys: plain Kubernetes label keys. */
    static String k8sKey(String key) {
        return "k8s:" + key;
    }

    /** NetworkPolicy namespace selector keys, as Cilium stores namespace labels on pod identities. */
    static String namespaceKey(String key) {
        return "k8s:" + NAMESPACE_LABELS_PREFIX + key;
    }

    /** Cilium keys: {@code source:key} as written, or {@code any:key}. */
    static String ciliumKey(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? "any:" + key : key;
    }

    static Selector parse(Node node, UnaryOperator<String> qualify) {
        node.object(FIELDS, "a label selector");
        List<Requirement> out = new ArrayList<>();
        Node matchLabels = node.get("matchLabels");
        for (Map.Entry<String, String> e : matchLabels.stringMap().entrySet()) {
            String key = qualified(matchLabels.get(e.getKey()), e.getKey(), qualify);
            checkValue(matchLabels.get(e.getKey()), e.getValue());
            out.add(Requirement.equal(key, e.getValue()));
        }
        for (Node expression : node.get("matchExpressions").list()) {
            out.add(expression(expression, qualify));
        }
        return Selector.of(out);
    }

    private static Requirement expression(Node node, UnaryOperator<String> qualify) {
        node.object(EXPRESSION_FIELDS, "a selector requirement");
        String key = qualified(node.get("key"), node.get("key").string(), qualify);
        String op = node.get("operator").string();
        List<String> values = node.get("values").stringList();
        Requirement.Operator operator = switch (op) {
            case "In" -> Requirement.Operator.IN;
            case "NotIn" -> Requirement.Operator.NOT_IN;
            case "Exists" -> Requirement.Operator.EXISTS;
            case "DoesNotExist" -> Requirement.Operator.DOES_NOT_EXIST;
            default -> throw node.get("operator").error("\"" + op + "\": expected In, NotIn, Exists or DoesNotExist");
        };
        boolean needsValues = operator == Requirement.Operator.IN || operator == Requirement.Operator.NOT_IN;
        if (needsValues && values.isEmpty()) {
            throw node.get("values").error("must be non-empty for operator " + op);
        }
        if (!needsValues && !values.isEmpty()) {
            throw node.get("values").error("must be empty for operator " + op);
        }
        List<Node> valueNodes = node.get("values").list();
        for (int i = 0; i < values.size(); i++) {
            checkValue(valueNodes.get(i), values.get(i));
        }
        return new Requirement(key, operator, values);
    }

    private static String qualified(Node at, String written, UnaryOperator<String> qualify) {
        String key = qualify.apply(written);
        int colon = key.indexOf(':');
        String source = key.substring(0, colon);
        String name = key.substring(colon + 1);
        try {
            new Label(source.equals("any") ? "k8s" : source, name, "");
        } catch (InvalidLabelException e) {
            throw at.error("invalid label key \"" + written + "\": " + e.getMessage());
        }
        return key;
    }

    private static void checkValue(Node at, String value) {
        try {
            new Label("k8s", "key", value);
        } catch (InvalidLabelException e) {
            throw at.error("invalid label value: " + e.getMessage());
        }
    }
}
