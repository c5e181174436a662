/**
 * The datapath seen from the agent: policy and ipcache maps (kernel or in-memory), reasons, flow events
 * and the model datapath. Imports the JDK, dev.bulwark.model and dev.bulwark.agent.policy; the kernel
 * implementation lives in the bpf subpackage.
 */
package dev.bulwark.agent.datapath;
