package dev.bulwark.chaos.workload;

import dev.bulwark.chaos.db.ReplicaCommand;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.Targeting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * One chaos run, validated on construction (messages name the option).
 *
 * @param workload      what the clients do
 * @param faults        which faults the nemesis injects (empty: none)
 * @param time          length of the timed phases
 * @param rate          client operations per second
 * @param seed          seeds the generator and the fault plan
 * @param replicas      number of replicas, 3..7
 * @param processes     concurrent client processes (worker threads), 1..200
 * @param opTimeout     deadline of one client operation
 * @param faultInterval length of one fault window (and of the quiet gap after it)
 * @param port          gRPC port of every replica inside its namespace (Raft uses port + 1)
 * @param runDir        where history.jsonl, report.html, data directories and replica logs go
 * @param command       how to start a replica
 * @param targets       targetings the fault plan may use (empty: all), e.g. only LEADER
 */
public record RunConfig(Workload workload, Set<FaultKind> faults, Duration time, int rate, long seed, int replicas,
                        int processes, Duration opTimeout, Duration faultInterval, int port, Path runDir,
                        ReplicaCommand command, Set<Targeting> targets) {

    public RunConfig {
        faults = Set.copyOf(faults);
        targets = Set.copyOf(targets);
        if (replicas < 3 || replicas > 7) {
            throw new IllegalArgumentException("replicas: 3..7, got " + replicas);
        }
        if (processes < 1 || processes > 200) {
            throw new IllegalArgumentException("processes: 1..200, got " + processes);
        }
        if (opTimeout == null || opTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("op-timeout: at least 100ms, got " + opTimeout);
        }
        if (port < 1024 || port > 65_000) {
            throw new IllegalArgumentException("port: 1024..65000, got " + port);
        }
    }
}
