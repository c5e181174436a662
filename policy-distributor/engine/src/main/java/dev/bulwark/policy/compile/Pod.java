package dev.bulwark.policy.compile;

import dev.bulwark.model.Cidr;
import java.util.List;
import java.util.Map;

/**
 * A pod as the engine sees it: where it lives, its labels, its IP (null if not yet assigned) and the
 * named ports it declares. Each pod is one endpoint, keyed {@code namespace/name}.
 */
public record Pod(String namespace, String name, Map<String, String> labels, Cidr ip, List<NamedPort> ports) {

    public Pod {
        labels = Map.copyOf(labels);
        ports = ports.stream().sorted().distinct().toList();
        if (ip != null && ip.prefixLength() != (ip.isIpv4() ? 32 : 128)) {
            throw new IllegalArgumentException("pod IP " + ip + " is not a host address");
        }
    }

    public String key() {
        return namespace + "/" + name;
    }
}
