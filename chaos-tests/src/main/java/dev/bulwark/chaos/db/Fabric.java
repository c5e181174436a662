package dev.bulwark.chaos.db;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network of one run: a bridge {@code bwc<run>} holding {@code 10.77.<octet>.1/24} in the host
 * namespace, and for each replica a namespace {@code bwc<run>-<node>} whose {@code eth0} (a veth whose
 * other end is in the bridge) holds {@code 10.77.<octet>.<10+i>/24}. No forwarding or NAT is set up: the
 * addresses exist only on this machine. Every object created is remembered and removed by
 * {@link #close()} in reverse order, whatever failed in between. Single-threaded.
 */
public final class Fabric implements AutoCloseable {

    private final String run;
    private final int octet;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<String[]> undo = new ArrayList<>();

    /**
     * @param run   a short run tag, 1..4 characters [a-z0-9], part of every name created
     * @param octet the third octet of the 10.77.x.0/24 range, 0..255
     */
    public Fabric(String run, int octet, List<String> nodes) {
        if (!run.matches("[a-z0-9]{1,4}")) {
            throw new IllegalArgumentException("run: 1..4 of [a-z0-9], got '" + run + "'");
        }
        if (octet < 0 || octet > 255) {
            throw new IllegalArgumentException("octet: 0..255, got " + octet);
        }
        if (nodes.isEmpty() || nodes.size() > 9) {
            throw new IllegalArgumentException("nodes: 1..9 replicas, got " + nodes.size());
        }
        this.run = run;
        this.octet = octet;
        try {
            create(nodes);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void create(List<String> nodes) {
        String bridge = "bwc" + run;
        HostCommand.run("ip", "link", "add", bridge, "type", "bridge");
        undo.add(new String[] {"ip", "link", "delete", bridge});
        HostCommand.run("ip", "addr", "add", hostAddress() + "/24", "dev", bridge);
        HostCommand.run("ip", "link", "set", bridge, "up");
        for (int i = 0; i < nodes.size(); i++) {
            String node = nodes.get(i);
            if (!node.matches("[a-z0-9]{1,6}")) {
                throw new IllegalArgumentException("nodes[" + i + "]: 1..6 of [a-z0-9], got '" + node + "'");
            }
            String ns = namespace(node);
            String hostEnd = "bwc" + run + "v" + i;
            String address = "10.77." + octet + "." + (10 + i);
            HostCommand.run("ip", "netns", "add", ns);
            undo.add(new String[] {"ip", "netns", "delete", ns});
            HostCommand.run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "bwcpeer" + run);
            undo.add(new String[] {"ip", "link", "delete", hostEnd});
            HostCommand.run("ip", "link", "set", "bwcpeer" + run, "netns", ns);
            HostCommand.run("ip", "link", "set", hostEnd, "master", bridge);
            HostCommand.run("ip", "link", "set", hostEnd, "up");
            inNamespace(node, "ip", "link", "set", "bwcpeer" + run, "name", "eth0");
            inNamespace(node, "ip", "addr", "add", address + "/24", "dev", "eth0");
            inNamespace(node, "ip", "link", "set", "eth0", "up");
            inNamespace(node, "ip", "link", "set", "lo", "up");
            addresses.put(node, address);
        }
    }

    /** The harness's own address on the bridge (clients connect from here). */
    public String hostAddress() {
        return "10.77." + octet + ".1";
    }

    /** Node name to its address, in creation order. */
    public Map<String, String> addresses() {
        return Collections.unmodifiableMap(addresses);
    }

    public String namespace(String node) {
        return "bwc" + run + "-" + node;
    }

    /** The command prefix that runs a program in {@code node}'s network namespace (and only that namespace). */
    public List<String> enter(String node) {
        return List.of("nsenter", "--net=/run/netns/" + namespace(node));
    }

    /** Runs a tool inside {@code node}'s namespace. */
    public String inNamespace(String node, String... command) {
        List<String> full = new ArrayList<>(enter(node));
        full.addAll(List.of(command));
        return HostCommand.run(full);
    }

    /** Runs a tool inside {@code node}'s namespace and returns its exit code. */
    public int inNamespaceStatus(String node, String... command) {
        List<String> full = new ArrayList<>(enter(node));
        full.addAll(List.of(command));
        return HostCommand.status(full);
    }

    /** Removes everything created, newest first; cleanup errors go to stderr (nothing else can act on them). */
    @Override
    public void close() {
        remove().forEach(e -> System.err.println("chaos cleanup: " + e));
    }

    /** Removes everything created, newest first; returns the cleanup errors (empty when all went). */
    public List<String> remove() {
        List<String> errors = new ArrayList<>();
        for (int i = undo.size() - 1; i >= 0; i--) {
            String e = HostCommand.tryRun(undo.get(i));
            if (e != null && !e.contains("Cannot find device") && !e.contains("No such file")) {
                errors.add(e);
            }
        }
        undo.clear();
        return errors;
    }
}
