package dev.bulwark.policy.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.api.PolicyKind;
import dev.bulwark.policy.api.PolicyRef;
import dev.bulwark.policy.api.Rule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Kubernetes manifests (YAML or JSON, several documents separated by {@code ---}, {@code kind:
 * List} expanded) into validated {@link Policy} values. Stateless and thread-safe.
 */
public final class PolicyParser {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "specs", "status");
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations", "uid", "resourceVersion",
            "generation", "creationTimestamp", "managedFields", "finalizers", "ownerReferences", "generateName",
            "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final String defaultNamespace;

    /** @param defaultNamespace the namespace of namespaced policies that name none (kubectl's current namespace) */
    public PolicyParser(String defaultNamespace) {
        this.defaultNamespace = defaultNamespace;
    }

    /** Every document of {@code text}; a YAML syntax error rejects the whole text as document 0. */
    public List<ParsedDocument> parseAll(String text) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (doc.isObject() && "List".equals(doc.path("kind").asText()) && doc.path("items").isArray()) {
                    doc.path("items").forEach(documents::add);
                } else {
                    documents.add(doc);
                }
            }
        } catch (JsonProcessingException e) {
            return List.of(new ParsedDocument.Rejected(0, "", new InvalidPolicyException("", "malformed YAML: "
                    + e.getOriginalMessage() + location(e))));
        } catch (IOException | RuntimeException e) {
            return List.of(new ParsedDocument.Rejected(0, "", new InvalidPolicyException("", "malformed YAML: " + e.getMessage())));
        }
        List<ParsedDocument> out = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            out.add(parse(i, documents.get(i)));
        }
        return out;
    }

    /** Exactly one policy from {@code text}; the error if it has none, several, or is invalid. */
    public Policy parseOne(String text) {
        List<ParsedDocument> docs = parseAll(text);
        if (docs.size() != 1) {
            throw new InvalidPolicyException("", "expected one manifest, found " + docs.size());
        }
        return switch (docs.getFirst()) {
            case ParsedDocument.Accepted a -> a.policy();
            case ParsedDocument.Rejected r -> throw r.error();
        };
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    ParsedDocument parse(int index, JsonNode json) {
        Node root = new Node(json, "");
        String label = "";
        try {
            root.object(TOP, "a manifest");
            String apiVersion = root.get("apiVersion").string();
            String kindName = root.get("kind").string();
            PolicyKind kind = kind(root, apiVersion, kindName);
            label = kindName;
            PolicyRef ref = metadata(root.get("metadata"), kind);
            label = ref.toString();
            List<Rule> rules = new ArrayList<>();
            if (kind == PolicyKind.NETWORK_POLICY) {
                if (root.has("specs")) {
                    throw root.get("specs").error("NetworkPolicy has no specs (use spec)");
                }
                rules.addAll(NetworkPolicyParser.rules(ref, root.get("spec")));
            } else {
                if (!root.has("spec") && !root.has("specs")) {
                    throw root.error("spec or specs is required");
                }
                if (root.has("spec")) {
                    rules.addAll(CiliumPolicyParser.rules(ref, root.get("spec")));
                }
                for (Node spec : root.get("specs").list()) {
                    rules.addAll(CiliumPolicyParser.rules(ref, spec));
                }
            }
            return new ParsedDocument.Accepted(index, new Policy(ref, rules));
        } catch (InvalidPolicyException e) {
            return new ParsedDocument.Rejected(index, label, e);
        }
    }

    private static PolicyKind kind(Node root, String apiVersion, String kindName) {
        for (PolicyKind k : PolicyKind.values()) {
            if (k.kindName().equals(kindName)) {
                if (!k.apiVersion().equals(apiVersion)) {
                    throw root.get("apiVersion").error("\"" + apiVersion + "\": " + kindName + " is " + k.apiVersion());
                }
                return k;
            }
        }
        throw root.get("kind").error("\"" + kindName + "\" is not a policy kind: expected NetworkPolicy,"
                + " CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy");
    }

    private PolicyRef metadata(Node meta, PolicyKind kind) {
        meta.object(METADATA, "metadata");
        String name = meta.get("name").string();
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw meta.get("name").error("\"" + name + "\" is not a DNS subdomain name (lowercase [a-z0-9-.], <= 253)");
        }
        String namespace = "";
        if (kind.namespaced()) {
            namespace = meta.get("namespace").optionalString(defaultNamespace);
            if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
                throw meta.get("namespace").error("\"" + namespace + "\" is not a namespace name (lowercase [a-z0-9-], <= 63)");
            }
        } else if (meta.has("namespace")) {
            throw meta.get("namespace").error(kind.kindName() + " is cluster-scoped and takes no namespace");
        }
        meta.get("labels").stringMap();
        meta.get("annotations").stringMap();
        return new PolicyRef(kind, namespace, name);
    }
}
