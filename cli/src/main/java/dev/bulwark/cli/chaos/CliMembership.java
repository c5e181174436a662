package dev.bulwark.cli.chaos;

import dev.bulwark.chaos.db.HostCommand;
import dev.bulwark.chaos.nemesis.Membership;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Membership changes through {@code bulwark allocator members add|remove}, run as a separate process on
 * the CLI's own class path (the store's public interface, nothing internal). Tracks the current member
 * list itself: it starts as every replica. Called from the nemesis thread only.
 */
final class CliMembership implements Membership {

    private final List<String> launcher;
    private final Map<String, String> all;
    private final Map<String, String> members;
    private final int clusterId;

    /**
     * @param launcher  the command prefix that runs {@code bulwark} (java, flags, -cp, main class)
     * @param addresses every replica, node to gRPC host:port
     */
    CliMembership(List<String> launcher, Map<String, String> addresses, int clusterId) {
        this.launcher = List.copyOf(launcher);
        this.all = Map.copyOf(addresses);
        this.members = new LinkedHashMap<>(addresses);
        this.clusterId = clusterId;
    }

    @Override
    public void remove(String node) {
        run("remove", "--id", node);
        members.remove(node);
    }

    @Override
    public void add(String node) {
        run("add", "--new", node + "=" + all.get(node));
        members.put(node, all.get(node));
    }

    private void run(String change, String option, String value) {
        List<String> peers = new ArrayList<>();
        members.forEach((n, address) -> peers.add(n + "=" + address));
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("allocator", "members", change, "--peers", String.join(",", peers), "--cluster-id",
                Integer.toString(clusterId), option, value));
        HostCommand.run(cmd);
    }
}
