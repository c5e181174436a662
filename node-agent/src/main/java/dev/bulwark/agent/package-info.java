/**
 * Node agent: desired vs kernel map state, the eBPF datapath through bpf() via FFM, the model datapath, and the distributor stream client. Imports proto and model.
 */
package dev.bulwark.agent;
