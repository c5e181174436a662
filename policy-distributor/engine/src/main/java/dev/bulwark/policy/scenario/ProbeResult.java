package dev.bulwark.policy.scenario;

/** A probe and the verdict a datapath gave it. */
public record ProbeResult(Probe probe, Verdict verdict) {

    public boolean matches() {
        return verdict == probe.expect();
    }
}
