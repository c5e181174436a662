package dev.bulwark.chaos.db;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start one replica. The harness runs the returned command inside the replica's namespace.
 */
@FunctionalInterface
public interface ReplicaCommand {

    /**
     * @param node    this replica's name, e.g. "n1"
     * @param address this replica's address inside its namespace
     * @param peers   every replica (including this one) as name to address
     * @param dataDir this replica's data directory (exists; may be empty)
     * @param join    true when the replica starts empty and must join an existing group (after a wipe)
     */
    List<String> command(String node, String address, java.util.Map<String, String> peers, Path dataDir, boolean join);
}
