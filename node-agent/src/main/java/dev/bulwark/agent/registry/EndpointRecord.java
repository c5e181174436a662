package dev.bulwark.agent.registry;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One endpoint as the agent attached it ({@code POST /v1/endpoints}), with what a restarted agent needs to
 * attach it again and to tell whether it is still there.
 *
 * @param name      "namespace/pod", the key of the endpoint in policy states (non-empty)
 * @param netns     the network namespace file the host interface lives in (non-empty)
 * @param iface     the host-side interface ("" on the model datapath when none was given)
 * @param ifindex   the interface's index when it was attached (0 = unknown: model datapath). A restarted agent
 *                  that finds another index under the same name is looking at a different interface.
 * @param labels    the pod labels the endpoint's identity was allocated from (empty = none given)
 * @param identity  the identity allocated from {@code labels} (unsigned; 0 = none allocated by this agent)
 */
public record EndpointRecord(String name, String netns, String iface, int ifindex, SortedMap<String, String> labels,
                             int identity) {

    public EndpointRecord {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name: a non-empty string is required");
        }
        if (netns == null || netns.isEmpty()) {
            throw new IllegalArgumentException("netns: a non-empty path is required (endpoint " + name + ")");
        }
        if (iface == null) {
            throw new IllegalArgumentException("interface: required, \"\" for none (endpoint " + name + ")");
        }
        if (ifindex < 0) {
            throw new IllegalArgumentException("ifindex: 0 or more, got " + ifindex + " (endpoint " + name + ")");
        }
        if (labels == null) {
            throw new IllegalArgumentException("labels: required, empty for none (endpoint " + name + ")");
        }
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** An endpoint with no labels and no identity. */
    public static EndpointRecord of(String name, String netns, String iface, int ifindex) {
        return new EndpointRecord(name, netns, iface, ifindex, new TreeMap<>(), 0);
    }

    public EndpointRecord withIfindex(int index) {
        return new EndpointRecord(name, netns, iface, index, labels, identity);
    }

    public EndpointRecord withIdentity(int id) {
        return new EndpointRecord(name, netns, iface, ifindex, labels, id);
    }

    public EndpointRecord withLabels(Map<String, String> l) {
        return new EndpointRecord(name, netns, iface, ifindex, new TreeMap<>(l), identity);
    }
}
