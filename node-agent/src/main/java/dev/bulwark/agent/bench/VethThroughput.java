package dev.bulwark.agent.bench;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.netns.PodNetwork;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The iperf3 part of {@code bulwark bench datapath}: TCP throughput between two pod namespaces through a
 * private node namespace with no program, with our programs holding 200k policy + 60k ipcache entries,
 * and with an iptables-nft FORWARD chain of 10k rules. Creates and removes everything it uses.
 */
record VethThroughput(Consumer<String> progress, int seconds) {

    private static final Pattern RECEIVED = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

    double[] run(Path dpRoot) {
        try (PodNetwork net = PodNetwork.create("bwb" + ProcessHandle.current().pid() % 100_000)) {
            PodNetwork.Pod c = net.addPod("client", "10.244.9.1");
            PodNetwork.Pod s = net.addPod("server", "10.244.9.2");
            Process server;
            try {
                server = new ProcessBuilder("nsenter", "--net=" + s.namespace().path(), "iperf3", "-s", "-B", s.ip())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new UncheckedIOException("starting iperf3 (install the Debian package iperf3)", e);
            }
            try {
                sleep(500);
                double none = iperf(c, s);
                progress.accept(String.format("iperf3, no program: %.2f Gbit/s", none / 1e9));
                double ours = withPrograms(net, c, s, dpRoot);
                progress.accept(String.format("iperf3, our programs (200k policy + 60k ipcache): %.2f Gbit/s", ours / 1e9));
                double ipt = withIptables(net, c, s);
                progress.accept(String.format("iperf3, iptables 10k rules: %.2f Gbit/s", ipt / 1e9));
                return new double[] {none, ours, ipt};
            } finally {
                server.destroy();
            }
        }
    }

    private double withPrograms(PodNetwork net, PodNetwork.Pod c, PodNetwork.Pod s, Path dpRoot) {
        try (KernelDatapath dp = KernelDatapath.open(dpRoot, DatapathConfig.DEFAULT)) {
            Map<Cidr, Integer> ipcache = new HashMap<>();
            for (int i = 0; i < 60_000; i++) {
                ipcache.put(Cidr.parse("10.100." + (i / 250) + "." + (i % 250 + 1) + "/32"), 300_000 + i);
            }
            ipcache.put(Cidr.parse(c.ip() + "/32"), 1001);
            ipcache.put(Cidr.parse(s.ip() + "/32"), 1002);
            dp.ipcache().putAll(ipcache);
            Map<PolicyKey, PolicyEntry> policy = new HashMap<>();
            for (int i = 0; i < 200_000; i++) {
                policy.put(PolicyKey.l4(400_000 + i, Direction.INGRESS, Protocols.TCP, 80 + (i % 4)), PolicyEntry.ALLOW);
            }
            policy.put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 5201), PolicyEntry.ALLOW);
            net.node().call(() -> {
                dp.attach("client", c.hostIfindex()).policy().reconcile(
                        MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW).build());
                dp.attach("server", s.hostIfindex()).policy().putAll(policy);
                return null;
            });
            try {
                return iperf(c, s);
            } finally {
                net.node().call(() -> {
                    dp.detach("client", c.hostIfindex());
                    dp.detach("server", s.hostIfindex());
                    return null;
                });
            }
        }
    }

    private double withIptables(PodNetwork net, PodNetwork.Pod c, PodNetwork.Pod s) {
        StringBuilder rules = new StringBuilder("*filter\n:FORWARD ACCEPT [0:0]\n");
        for (int i = 0; i < 10_000; i++) {
            rules.append("-A FORWARD -s 10.201.").append(i / 250).append('.').append(i % 250 + 1).append("/32 -j DROP\n");
        }
        rules.append("-A FORWARD -p tcp --dport 5201 -j ACCEPT\nCOMMIT\n");
        try {
            Path file = Files.createTempFile("bulwark-iptables", ".rules");
            Files.writeString(file, rules);
            net.node().exec("sh", "-c", "iptables-restore < " + file);
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return iperf(c, s); // the node namespace (and its rules) is deleted with the network
    }

    /** The median of three iperf3 runs, in bits per second received. */
    private double iperf(PodNetwork.Pod c, PodNetwork.Pod s) {
        double[] runs = new double[3];
        for (int i = 0; i < runs.length; i++) {
            String out = c.namespace().exec("iperf3", "-c", s.ip(), "-t", Integer.toString(seconds), "-J");
            Matcher m = RECEIVED.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("iperf3 output without sum_received: " + out.substring(0, Math.min(400, out.length())));
            }
            runs[i] = Double.parseDouble(m.group(1));
        }
        Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
