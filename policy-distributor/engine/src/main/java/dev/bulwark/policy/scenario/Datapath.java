package dev.bulwark.policy.scenario;

import java.util.List;

/**
 * Something that decides a compiled scenario's probes: the model datapath ({@link ModelDatapath}, the
 * shared {@code PolicyLookup} over the compiled maps), or a real one (the node agent's kernel datapath
 * programs eBPF maps from the same {@link CompiledScenario} and sends real packets).
 */
public interface Datapath {

    /** Short name for output ({@code model}, {@code kernel}). */
    String name();

    /**
     * Decides every probe, in order.
     *
     * @throws DatapathUnavailableException if this datapath cannot run here (no root, bpf() refused)
     */
    List<ProbeResult> evaluate(CompiledScenario scenario) throws DatapathUnavailableException;

    /** The datapath cannot run in this environment; the message says why, plainly. */
    final class DatapathUnavailableException extends Exception {
        public DatapathUnavailableException(String message) {
            super(message);
        }
    }
}
