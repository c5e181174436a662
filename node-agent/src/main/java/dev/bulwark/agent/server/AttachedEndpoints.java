package dev.bulwark.agent.server;

import dev.bulwark.agent.registry.EndpointRecord;
import dev.bulwark.agent.registry.EndpointRegistry;
import dev.bulwark.agent.registry.RegistryFile;
import dev.bulwark.agent.registry.StateDirectory;
import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.agent.sync.StateApplier;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The endpoints attached on this node: attach and detach for the local API, each change written to the
 * state directory, and on start the persisted endpoints restored through the same attach, so a restarted
 * agent keeps programming the pods it had (the CNI does not add running pods again).
 *
 * <p>Concurrency: every method except {@link #registry} and {@link #report} runs on the agent's sync thread;
 * those two read immutable snapshots published after each change.
 */
final class AttachedEndpoints {

    /**
     * What the last restore did: endpoints attached again, dropped because their namespace or interface is
     * gone (pins removed), failed for another reason (kept in the file for the next start; pins untouched),
     * pinned endpoints no record names (untouched), and the file's rejection, if any.
     */
    record RestoreReport(List<String> restored, Map<String, String> dropped, Map<String, String> failed,
                         SortedSet<String> unknownPins, String rejected) {

        static final RestoreReport NONE = new RestoreReport(List.of(), Map.of(), Map.of(), Collections.emptySortedSet(), "");
    }

    private final AgentDatapath datapath;
    private final StateApplier applier;
    private final Supplier<NodePolicyState> held;
    private final StateDirectory state;
    private final Consumer<String> log;
    private volatile EndpointRegistry registry = EndpointRegistry.EMPTY;
    /** Persisted endpoints a restore could not attach (not gone): still written, so the next start tries again. */
    private EndpointRegistry unrestored = EndpointRegistry.EMPTY;
    private volatile RestoreReport report = RestoreReport.NONE;
    private volatile String stateError = "";

    /** {@code state} null: the registry lives in memory only (nothing survives a restart). */
    AttachedEndpoints(AgentDatapath datapath, StateApplier applier, Supplier<NodePolicyState> held, StateDirectory state,
                      Consumer<String> log) {
        this.datapath = datapath;
        this.applier = applier;
        this.held = held;
        this.state = state;
        this.log = log;
    }

    /** The attached endpoints (any thread). */
    EndpointRegistry registry() {
        return registry;
    }

    RestoreReport report() {
        return report;
    }

    /** The last failure to write the state file, "" after a successful write. */
    String stateError() {
        return stateError;
    }

    /** Attaches {@code r} (again, when it is attached: pins reused), records and persists it, programs it from the held state. */
    int attach(EndpointRecord r) {
        int index = datapath.attach(r);
        registry = registry.with(datapath.enforcing() ? r.withIfindex(index) : r);
        unrestored = unrestored.without(r.name());
        persist();
        applier.attach(held.get(), r.name());
        return index;
    }

    /** Detaches endpoint {@code name}; its record, or empty when it was not attached. */
    Optional<EndpointRecord> detach(String name) {
        Optional<EndpointRecord> r = registry.get(name);
        if (r.isEmpty()) {
            return r;
        }
        registry = registry.without(name);
        persist();
        datapath.detach(r.get());
        return r;
    }

    /** Sets the identity recorded for {@code name} (re-allocated after a restore); no-op once it is detached. */
    void recordIdentity(String name, int identity) {
        registry.get(name).filter(r -> r.identity() != identity).ifPresent(r -> {
            registry = registry.with(r.withIdentity(identity));
            persist();
        });
    }

    /**
     * Attaches every endpoint of the state file again, before any policy state is held: their maps are left
     * as pinned until the first state reconciles them. Never throws: a bad file restores nothing (logged,
     * the file kept), a bad endpoint is reported and the others restored.
     */
    RestoreReport restore() {
        if (state == null) {
            return report;
        }
        RestoreReport out = switch (state.read()) {
            case RegistryFile.Rejected rej -> {
                log.accept("agent: ERROR: " + rej.message() + "; no endpoints restored, the file is kept (moved to "
                        + state.rejectedFile().getFileName() + " at the first endpoint change)");
                yield new RestoreReport(List.of(), Map.of(), Map.of(), datapath.pinsWithout(List.of()), rej.message());
            }
            case RegistryFile.Loaded loaded -> restore(loaded.registry());
        };
        if (!out.unknownPins().isEmpty()) {
            log.accept("agent: pinned endpoints without a record, left as they are: " + out.unknownPins());
        }
        report = out;
        return out;
    }

    private RestoreReport restore(EndpointRegistry persisted) {
        List<String> restored = new ArrayList<>();
        Map<String, String> dropped = new TreeMap<>();
        Map<String, String> failed = new TreeMap<>();
        for (EndpointRecord r : persisted.records()) {
            try {
                switch (datapath.restore(r)) {
                    case AgentDatapath.Reattached a -> {
                        registry = registry.with(datapath.enforcing() ? r.withIfindex(a.index()) : r);
                        applier.attach(held.get(), r.name());
                        restored.add(r.name());
                    }
                    case AgentDatapath.Gone g -> {
                        dropped.put(r.name(), g.why());
                        log.accept("agent: endpoint " + r.name() + " not restored: " + g.why() + "; dropped, pins removed");
                    }
                }
            } catch (RuntimeException e) {
                failed.put(r.name(), String.valueOf(e.getMessage()));
                unrestored = unrestored.with(r);
                log.accept("agent: ERROR: endpoint " + r.name() + " not restored: " + e.getMessage()
                        + "; kept in " + state.file().getFileName() + " for the next start, its pins left as they are");
            }
        }
        log.accept("agent: restored " + restored.size() + " of " + persisted.size() + " endpoints from " + state.file()
                + (restored.isEmpty() ? "" : " " + restored));
        if (!registry.equals(persisted)) {
            persist();
        }
        return new RestoreReport(List.copyOf(restored), Map.copyOf(dropped), Map.copyOf(failed),
                datapath.pinsWithout(persisted.names()), "");
    }

    /** Writes the registry (plus the endpoints awaiting a retry); a failure is logged and shown in status. */
    private void persist() {
        if (state == null) {
            return;
        }
        EndpointRegistry all = registry;
        for (EndpointRecord r : unrestored.records()) {
            if (all.get(r.name()).isEmpty()) {
                all = all.with(r);
            }
        }
        try {
            state.write(all);
            stateError = "";
        } catch (UncheckedIOException e) {
            stateError = e.getMessage();
            log.accept("agent: ERROR: " + e.getMessage() + "; the endpoint change holds until this agent stops");
        }
    }
}
