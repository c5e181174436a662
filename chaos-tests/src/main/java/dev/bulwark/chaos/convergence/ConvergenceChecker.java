package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.Validity;
import dev.bulwark.chaos.convergence.Observation.AgentRow;
import dev.bulwark.chaos.convergence.Observation.AgentView;
import dev.bulwark.chaos.convergence.Observation.DistributorView;
import dev.bulwark.chaos.convergence.Observation.EndpointView;
import dev.bulwark.chaos.convergence.Observation.HeldView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Judges one {@link Observation}: every agent acknowledged its distributor's current version for its
 * node (lag 0), holds exactly the expected endpoints, each with the expected identity and
 * exactly the expected map entries, and its ipcache maps every pod address to the pod's identity with no
 * address of a vanished pod left. INVALID names every agent, endpoint and entry that differs (with what the
 * agent's distributor holds for it when the observation carries that, and the stream's NACKs and last
 * error for a version behind, so a failure says which side is wrong); UNKNOWN when
 * an agent or distributor could not be read or the expectation is incomplete and nothing was found wrong.
 * Pure and thread-safe.
 */
public final class ConvergenceChecker {

    public static final String NAME = "convergence";

    /** Problems beyond this many per agent are counted, not listed (the report stays readable). */
    static final int PER_AGENT = 12;

    private ConvergenceChecker() {
    }

    public static CheckResult check(Observation o) {
        List<String> invalid = new ArrayList<>();
        List<String> unknown = new ArrayList<>(o.expected().unknown());
        long entries = 0;
        int endpoints = 0;
        for (AgentView a : o.agents().values()) {
            String who = "agent " + a.agent() + " (node " + a.node() + ")";
            if (a.error() != null) {
                unknown.add(who + " unreadable: " + a.error());
                continue;
            }
            List<String> mine = new ArrayList<>();
            Held held = new Held(o.held().get(a.agent()));
            version(a, o.distributors().get(a.distributor()), who, mine, unknown);
            if (o.expected().unknown().isEmpty()) {
                Map<String, EndpointView> want = o.expected().byNode().getOrDefault(a.node(), Map.of());
                TreeSet<String> names = new TreeSet<>(want.keySet());
                names.addAll(a.endpoints().keySet());
                for (String ep : names) {
                    EndpointView w = want.get(ep);
                    EndpointView h = a.endpoints().get(ep);
                    if (w == null) {
                        mine.add(who + ": endpoint " + ep + " is attached but no such pod is on this node" + held.endpoint(ep));
                        continue;
                    }
                    endpoints++;
                    entries += w.entries().size();
                    if (h == null) {
                        mine.add(who + ": endpoint " + ep + " is missing (" + w.entries().size() + " entries expected)"
                                + held.endpoint(ep));
                        continue;
                    }
                    if (h.identity() != w.identity()) {
                        mine.add(who + ": endpoint " + ep + " has identity " + h.identity() + ", expected " + w.identity()
                                + held.endpoint(ep));
                    }
                    for (String e : w.entries()) {
                        if (!h.entries().contains(e)) {
                            mine.add(who + ": endpoint " + ep + " lacks entry " + e + held.entry(ep, e));
                        }
                    }
                    for (String e : h.entries()) {
                        if (!w.entries().contains(e)) {
                            mine.add(who + ": endpoint " + ep + " has extra entry " + e + held.entry(ep, e));
                        }
                    }
                }
                ipcache(a, o.expected().podIpcache(), who, mine, held);
            }
            if (mine.size() > PER_AGENT) {
                int more = mine.size() - PER_AGENT;
                mine = new ArrayList<>(mine.subList(0, PER_AGENT));
                mine.add(who + ": ... and " + more + " more differences");
            }
            invalid.addAll(mine);
        }
        for (DistributorView d : o.distributors().values()) {
            if (d.error() != null) {
                unknown.add("distributor " + d.replica() + " unreadable: " + d.error());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("agents", o.agents().size());
        details.put("endpoints-checked", endpoints);
        details.put("entries-expected", entries);
        details.put("policies-rejected", o.expected().rejected().size());
        Map<String, Object> versions = new LinkedHashMap<>();
        o.agents().values().forEach(a -> versions.put(a.agent(), a.version()));
        details.put("agent-versions", versions);
        Map<String, Object> revisions = new LinkedHashMap<>();
        o.distributors().values().forEach(d -> revisions.put(d.replica(), d.revision()));
        details.put("distributor-revisions", revisions);
        // NACKs are part of the protocol (the agent keeps its state and gets a delta on top of it): counted, not judged.
        Map<String, Object> nacks = new LinkedHashMap<>();
        o.distributors().values().forEach(d -> d.agents().forEach((node, row) -> {
            if (row.nacks() > 0) {
                nacks.put(d.replica() + "/" + node, row.nacks() + " (last: " + row.lastNack() + ")");
            }
        }));
        details.put("nacks", nacks);
        if (!invalid.isEmpty()) {
            return new CheckResult(NAME, Validity.INVALID, invalid.size() + " difference(s) between the agents and the expected"
                    + " state", invalid, List.of(), details);
        }
        if (!unknown.isEmpty()) {
            return new CheckResult(NAME, Validity.UNKNOWN, "could not check everything", unknown, List.of(), details);
        }
        return new CheckResult(NAME, Validity.VALID, o.agents().size() + " agents at their distributor's version; "
                + endpoints + " endpoints, " + entries + " entries exactly as compiled from the final inputs", List.of(),
                List.of(), details);
    }

    private static void version(AgentView a, DistributorView d, String who, List<String> invalid, List<String> unknown) {
        if (d == null || d.error() != null) {
            unknown.add(who + ": its distributor " + a.distributor() + " could not be read");
            return;
        }
        AgentRow row = d.agents().get(a.node());
        if (row == null) {
            invalid.add(who + ": not streaming from distributor " + a.distributor());
            return;
        }
        if (a.version() != row.current() || row.acked() != row.current() || row.lag() != 0) {
            invalid.add(who + ": holds version " + a.version() + ", distributor " + d.replica() + " has the node at "
                    + row.current() + " (acknowledged " + row.acked() + ", lag " + row.lag() + ", in flight "
                    + row.inflightMs() + " ms, " + row.nacks() + " NACKs" + (row.lastNack().isEmpty() ? ""
                    : ", last: " + row.lastNack()) + ")" + (a.stream().isEmpty() ? "" : "; agent stream: " + a.stream()));
        }
    }

    private static void ipcache(AgentView a, Map<String, Long> want, String who, List<String> invalid, Held held) {
        want.forEach((prefix, id) -> {
            Long has = a.ipcache().get(prefix);
            if (has == null) {
                invalid.add(who + ": ipcache lacks " + prefix + " -> " + id + held.prefix(prefix));
            } else if (!has.equals(id)) {
                invalid.add(who + ": ipcache maps " + prefix + " to " + has + ", expected " + id + held.prefix(prefix));
            }
        });
        a.ipcache().forEach((prefix, id) -> {
            if (prefix.startsWith(ClusterInputs.POD_RANGE_PREFIX) && !want.containsKey(prefix)) {
                invalid.add(who + ": ipcache still maps " + prefix + " (no such pod) to " + id + held.prefix(prefix));
            }
        });
    }

    /**
     * What the agent's distributor holds for the same item, appended to a difference: if the distributor
     * holds what the agent holds, the distributor's own state is wrong; if it holds the expected value, the
     * agent did not get it. Nothing when the distributor's state was not read.
     */
    private record Held(HeldView view) {

        private String prefix(String prefix) {
            return about(v -> {
                Long id = v.ipcache().get(prefix);
                return id == null ? " does not map it" : " maps it to " + id;
            });
        }

        private String endpoint(String endpoint) {
            return about(v -> {
                EndpointView e = v.endpoints().get(endpoint);
                return e == null ? " does not have it" : " has it with identity " + e.identity() + " and " + e.entries().size() + " entries";
            });
        }

        private String entry(String endpoint, String entry) {
            return about(v -> {
                EndpointView e = v.endpoints().get(endpoint);
                return e == null ? " does not have the endpoint" : e.entries().contains(entry) ? " has this entry" : " does not have this entry";
            });
        }

        /** " [d1 at 56 ...what]", or why the distributor could not be read, or nothing when it was not read. */
        private String about(java.util.function.Function<HeldView, String> what) {
            if (view == null) {
                return "";
            }
            if (view.error() != null) {
                return " [" + view.distributor() + " unreadable: " + view.error() + "]";
            }
            return " [" + view.distributor() + " at " + view.version() + what.apply(view) + "]";
        }
    }
}
