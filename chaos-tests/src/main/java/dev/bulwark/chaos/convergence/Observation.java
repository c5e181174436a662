package dev.bulwark.chaos.convergence;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the checker judges: what each agent and distributor said after heal and quiesce, and the expected
 * state compiled from the final inputs. Plain immutable values (also written to {@code convergence.json}).
 *
 * @param agents       agent name (a1, a2, ...) to its view
 * @param distributors replica id (d1, d2) to its view
 * @param held         agent name to what its distributor holds for the agent's node (the full state it
 *                     sends a new subscriber), read after the last observation so each difference says
 *                     which side is wrong; empty for the observations before it
 */
public record Observation(Map<String, AgentView> agents, Map<String, DistributorView> distributors, Expected expected,
                          Map<String, HeldView> held) {

    public Observation {
        agents = java.util.Collections.unmodifiableMap(new TreeMap<>(agents));
        distributors = java.util.Collections.unmodifiableMap(new TreeMap<>(distributors));
        held = java.util.Collections.unmodifiableMap(new TreeMap<>(held));
    }

    public Observation(Map<String, AgentView> agents, Map<String, DistributorView> distributors, Expected expected) {
        this(agents, distributors, expected, Map.of());
    }

    /** This observation with what the distributors hold for each agent's node. */
    public Observation withHeld(Map<String, HeldView> byAgent) {
        return new Observation(agents, distributors, expected, byAgent);
    }

    /**
     * What a distributor holds for one node: the full state it sends an agent subscribing from scratch.
     *
     * @param error    why it could not be read (null when it was)
     * @param version  the version of that full state
     * @param ipcache  prefix to identity
     */
    public record HeldView(String distributor, String node, String error, long version,
                           Map<String, EndpointView> endpoints, Map<String, Long> ipcache) {
        public HeldView {
            endpoints = java.util.Collections.unmodifiableMap(new TreeMap<>(endpoints));
            ipcache = java.util.Collections.unmodifiableMap(new TreeMap<>(ipcache));
        }

        public static HeldView unreadable(String distributor, String node, String error) {
            return new HeldView(distributor, node, error, 0, Map.of(), Map.of());
        }
    }

    /** One endpoint's identity and map entries, each entry as {@link #entry} renders it. */
    public record EndpointView(long identity, SortedSet<String> entries) {
        public EndpointView {
            entries = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(entries));
        }
    }

    /**
     * An agent's {@code GET /v1/policy}.
     *
     * @param distributor the replica it streams from (d1, d2)
     * @param error       why it could not be read (null when it was)
     * @param version     the version it acknowledged
     * @param ipcache     prefix to identity, as its datapath holds them
     * @param stream      its stream client as {@code GET /v1/status} reports it (connected, ACKs, NACKs,
     *                    reconnects, last error), "" when not read
     */
    public record AgentView(String agent, String node, String distributor, String error, long version,
                            Map<String, EndpointView> endpoints, Map<String, Long> ipcache, String stream) {
        public AgentView {
            endpoints = java.util.Collections.unmodifiableMap(new TreeMap<>(endpoints));
            ipcache = java.util.Collections.unmodifiableMap(new TreeMap<>(ipcache));
            stream = stream == null ? "" : stream;
        }

        public AgentView(String agent, String node, String distributor, String error, long version,
                         Map<String, EndpointView> endpoints, Map<String, Long> ipcache) {
            this(agent, node, distributor, error, version, endpoints, ipcache, "");
        }

        public static AgentView unreadable(String agent, String node, String distributor, String error) {
            return new AgentView(agent, node, distributor, error, 0, Map.of(), Map.of());
        }
    }

    /** One agent stream as a distributor's Status reports it. */
    public record AgentRow(long acked, long current, long lag, long nacks, String lastNack, long inflightMs) {
        public AgentRow(long acked, long current, long lag, long nacks, String lastNack) {
            this(acked, current, lag, nacks, lastNack, 0);
        }
    }

    /**
     * A distributor's Status.
     *
     * @param error  why it could not be read (null when it was)
     * @param agents node name to its stream on this replica
     */
    public record DistributorView(String replica, String error, long revision, Map<String, AgentRow> agents) {
        public DistributorView {
            agents = java.util.Collections.unmodifiableMap(new TreeMap<>(agents));
        }
    }

    /**
     * The state every agent must hold, compiled from the final inputs.
     *
     * @param byNode      node to endpoint to its expected identity and entries
     * @param podIpcache  each pod's /32 to its identity (the part of the ipcache the inputs decide exactly)
     * @param unknown     why the expectation is incomplete (e.g. a label set the allocator could not be asked
     *                    about); non-empty makes the verdict at best UNKNOWN
     * @param rejected    policies the engine rejected (they contribute nothing, on both sides)
     */
    public record Expected(Map<String, Map<String, EndpointView>> byNode, Map<String, Long> podIpcache,
                           List<String> unknown, List<String> rejected) {
        public Expected {
            Map<String, Map<String, EndpointView>> n = new TreeMap<>();
            byNode.forEach((k, v) -> n.put(k, java.util.Collections.unmodifiableMap(new TreeMap<>(v))));
            byNode = java.util.Collections.unmodifiableMap(n);
            podIpcache = java.util.Collections.unmodifiableMap(new TreeMap<>(podIpcache));
            unknown = List.copyOf(unknown);
            rejected = List.copyOf(rejected);
        }
    }

    /** One map entry as the checker compares it: the key, then the datapath value (no rule reference). */
    public static String entry(PolicyKey key, PolicyEntry value) {
        return key + " " + value.datapathValue();
    }
}
