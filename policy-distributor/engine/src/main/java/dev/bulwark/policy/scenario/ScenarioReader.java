package dev.bulwark.policy.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.Label;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.compile.NamedPort;
import dev.bulwark.policy.compile.Pod;
import dev.bulwark.policy.parse.InvalidPolicyException;
import dev.bulwark.policy.parse.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the scenario format strictly: unknown top-level keys are ignored (files may carry annotations),
 * everything under {@code namespaces}, {@code pods} and {@code probes} is checked and errors name the
 * field ({@code pods[3].ip: ...}). Policies are kept as text; compiling them validates them.
 */
public final class ScenarioReader {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> POD = Set.of("namespace", "name", "labels", "ip", "ports");
    private static final Set<String> PORT = Set.of("name", "port", "protocol");
    private static final Set<String> PROBE = Set.of("from", "to", "port", "protocol", "expect");

    private ScenarioReader() {
    }

    /** @throws InvalidPolicyException naming the field; the caller adds the file name */
    public static Scenario read(String file, String text) {
        JsonNode json;
        try {
            json = YAML.readTree(text);
        } catch (java.io.IOException e) {
            throw new InvalidPolicyException("", "malformed YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Node root = new Node(json, "");
        if (root.isMissing()) {
            throw new InvalidPolicyException("", "empty scenario");
        }
        root.object(fieldNames(json), "a scenario");
        String name = root.get("name").string();
        String source = root.get("source").optionalString("");
        Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
        Node nsNode = root.get("namespaces");
        for (String ns : fieldNames(nsNode.isMissing() ? null : json.get("namespaces"))) {
            Node labels = nsNode.get(ns);
            Map<String, String> map = labels.stringMap();
            map.forEach((k, v) -> checkLabel(labels.get(k), k, v));
            namespaces.put(ns, map);
        }
        List<Pod> pods = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<Cidr> ips = new HashSet<>();
        for (Node p : root.get("pods").list()) {
            Pod pod = pod(p, namespaces);
            if (!keys.add(pod.key())) {
                throw p.error("pod " + pod.key() + " is listed twice");
            }
            if (!ips.add(pod.ip())) {
                throw p.get("ip").error(pod.ip() + " is already another pod's IP");
            }
            pods.add(pod);
        }
        List<String> policies = root.get("policies").stringList();
        List<Probe> probes = new ArrayList<>();
        for (Node p : root.get("probes").list()) {
            probes.add(probe(p, keys));
        }
        return new Scenario(file, name, source, namespaces, pods, policies, probes);
    }

    private static Set<String> fieldNames(JsonNode json) {
        Set<String> out = new java.util.LinkedHashSet<>();
        if (json != null && json.isObject()) {
            json.properties().forEach(e -> out.add(e.getKey()));
        }
        return out;
    }

    private static void checkLabel(Node at, String key, String value) {
        try {
            Label.k8s(key, value);
        } catch (InvalidLabelException e) {
            throw at.error(e.getMessage());
        }
    }

    private static Pod pod(Node p, Map<String, Map<String, String>> namespaces) {
        p.object(POD, "a pod");
        String ns = p.get("namespace").string();
        if (!namespaces.containsKey(ns)) {
            throw p.get("namespace").error("namespace \"" + ns + "\" is not listed under namespaces");
        }
        String name = p.get("name").string();
        Map<String, String> labels = p.get("labels").stringMap();
        labels.forEach((k, v) -> checkLabel(p.get("labels").get(k), k, v));
        Cidr ip;
        try {
            ip = Cidr.parse(p.get("ip").string());
        } catch (IllegalArgumentException e) {
            throw p.get("ip").error(e.getMessage());
        }
        if (ip.prefixLength() != (ip.isIpv4() ? 32 : 128)) {
            throw p.get("ip").error("must be a single address, not a prefix");
        }
        List<NamedPort> ports = new ArrayList<>();
        for (Node port : p.get("ports").list()) {
            port.object(PORT, "a named port");
            int number = port.get("port").integer();
            if (number < 1 || number > 65_535) {
                throw port.get("port").error(number + " is outside 1..65535");
            }
            ports.add(new NamedPort(port.get("name").string(), number, protocol(port.get("protocol"))));
        }
        return new Pod(ns, name, labels, ip, ports);
    }

    private static int protocol(Node node) {
        String text = node.optionalString("TCP");
        return switch (text) {
            case "TCP" -> Protocols.TCP;
            case "UDP" -> Protocols.UDP;
            case "SCTP" -> Protocols.SCTP;
            default -> throw node.error("\"" + text + "\": expected TCP, UDP or SCTP");
        };
    }

    private static Probe probe(Node p, Set<String> podKeys) {
        p.object(PROBE, "a probe");
        String from = end(p.get("from"), podKeys);
        String to = end(p.get("to"), podKeys);
        if (!podKeys.contains(from) && !podKeys.contains(to)) {
            throw p.error("at least one end must be a pod");
        }
        int port = p.get("port").integer();
        if (port < 1 || port > 65_535) {
            throw p.get("port").error(port + " is outside 1..65535");
        }
        String expect = p.get("expect").string();
        Verdict verdict = switch (expect) {
            case "allow" -> Verdict.ALLOW;
            case "deny" -> Verdict.DENY;
            default -> throw p.get("expect").error("\"" + expect + "\": expected allow or deny");
        };
        return new Probe(from, to, port, protocol(p.get("protocol")), verdict);
    }

    private static String end(Node node, Set<String> podKeys) {
        String text = node.string();
        if (podKeys.contains(text)) {
            return text;
        }
        if (text.contains("/") && !text.contains(":") && !text.matches("[0-9.]+/.*")) {
            throw node.error("\"" + text + "\" is not a pod of this scenario");
        }
        try {
            Cidr ip = Cidr.parse(text);
            if (ip.prefixLength() != (ip.isIpv4() ? 32 : 128) || text.contains("/")) {
                throw node.error("\"" + text + "\": expected namespace/pod or a single IP address");
            }
        } catch (IllegalArgumentException e) {
            throw node.error("\"" + text + "\": expected namespace/pod or an IP address (" + e.getMessage() + ")");
        }
        return text;
    }
}
