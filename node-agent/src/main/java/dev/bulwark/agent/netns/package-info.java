/**
 * Network namespaces and veth plumbing for kernel-mode tests and the scenario runner: create, run code
 * inside (setns on a dedicated thread), delete. Imports the JDK and dev.bulwark.agent.datapath.bpf.
 */
package dev.bulwark.agent.netns;
