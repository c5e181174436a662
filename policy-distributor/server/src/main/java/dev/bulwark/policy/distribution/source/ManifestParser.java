package dev.bulwark.policy.distribution.source;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a YAML or JSON file of one or more manifests into {@link KubeObject}s. All or nothing: a file
 * with one bad document yields an error naming the document and field, and no objects.
 */
public final class ManifestParser {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private ManifestParser() {
    }

    /** The objects in {@code text}; throws {@link IllegalArgumentException} naming "document N: field: problem". */
    public static List<KubeObject> parse(String text) {
        List<KubeObject> objects = new ArrayList<>();
        String[] documents = DOCUMENT_SEPARATOR.split(text);
        for (int i = 0; i < documents.length; i++) {
            String doc = documents[i];
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object tree;
            try {
                tree = SERIALIZATION.unmarshal(doc, Object.class);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("document " + (i + 1) + ": not valid YAML: " + firstLine(e.getMessage()), e);
            }
            if (!(tree instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("document " + (i + 1) + ": must be a mapping (an object)");
            }
            try {
                objects.add(JsonTrees.toObject(map));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("document " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return objects;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
