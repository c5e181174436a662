/**
 * {@code bulwark bench identity}: Bulwark's replicated allocator (3 replicas on loopback) against the
 * baseline users would pick instead, Cilium's kvstore allocation protocol on a real 3-member etcd
 * (started here on loopback ports, driven through its v3 JSON gateway), same workload, same run.
 * Imports the server and client of this module, HdrHistogram and Jackson; runs external etcd processes.
 */
package dev.bulwark.identity.bench;
