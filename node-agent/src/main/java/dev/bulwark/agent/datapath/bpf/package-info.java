/**
 * The kernel datapath: bpf(2) through FFM (no JNI), libbpf.so.1 through FFM for loading and tc attach,
 * tcx links, pinned maps, the ring-buffer consumer and BPF_PROG_TEST_RUN. The only package that touches
 * the kernel's eBPF state. Imports the JDK, dev.bulwark.model and dev.bulwark.agent.datapath/policy.
 */
package dev.bulwark.agent.datapath.bpf;
