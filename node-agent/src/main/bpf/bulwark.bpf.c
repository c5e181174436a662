// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Bulwark per-endpoint policy program, attached to both directions of a pod's host-side veth:
//   from_endpoint: host veth ingress = traffic leaving the pod   -> the pod's EGRESS policy
//   to_endpoint:   host veth egress  = traffic entering the pod  -> the pod's INGRESS policy
//
// Every struct here is mirrored byte for byte in dev.bulwark.agent.datapath.bpf.Layouts, and the
// agent checks key/value sizes with OBJ_GET_INFO_BY_FD at startup. Keep them padding-free.
//
// The decision is exactly dev.bulwark.model.policy.PolicyLookup.decide: LPM lookup with the remote
// identity, then with identity 0; deny wins; no match drops; the allow winner is the one with an L7
// redirect, then the longer prefix, then the identity-specific one; auth is required if either allow
// match requires it. The LPM trie returns only the value, so each value carries its key's prefix length.
// An allow that requires auth passes only while the auth map holds a live entry for (this endpoint's
// identity, the peer's identity), written by the agents' mutual TLS handshake (dev.bulwark.agent.auth).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define DIR_INGRESS 0
#define DIR_EGRESS 1
#define IDENTITY_WORLD 2

// Reasons (counters index and event field); Java: dev.bulwark.agent.datapath.Reason.
#define R_ALLOWED_NEW 0
#define R_ALLOWED_ESTABLISHED 1
#define R_ALLOWED_REPLY 2
#define R_DENIED_BY_POLICY 3
#define R_NO_MATCH 4
#define R_L7_REDIRECT_UNSUPPORTED 5
#define R_AUTH_REQUIRED 6
#define R_PASSED_NOT_IP 7
#define R_DROPPED_IPV6 8
#define R_DROPPED_FRAGMENT 9
#define R_DROPPED_MALFORMED 10
#define R_COUNT 16

// policy_value.flags
#define PV_DENY 1
#define PV_AUTH 2

// auth_key.auth_type: SPIFFE X.509-SVIDs in a TLS 1.3 handshake between the two node agents.
#define AUTH_TYPE_SPIFFE 1

// config.flags
#define CFG_EVENTS_ALLOWED 1
#define CFG_EVENTS_DROPPED 2
#define CFG_PASS_REDIRECT 4
#define CFG_PASS_AUTH 8

struct ipcache_key {
    __u32 prefixlen; // 0..32
    __u32 addr;      // IPv4, network order
};

struct ipcache_value {
    __u32 identity;  // host order, never 0
};

struct policy_key {
    __u32 prefixlen; // bits of the 64 below: 40 = identity+direction, 48 + port prefix otherwise
    __u32 identity;  // remote identity, network order; 0 = any peer
    __u8 direction;  // DIR_INGRESS / DIR_EGRESS
    __u8 protocol;   // IANA number; 0 (with prefixlen 40) = any
    __u16 port;      // destination port, network order
};

struct policy_value {
    __u16 proxy_port; // host order; non-zero = L7 redirect
    __u8 flags;       // PV_DENY | PV_AUTH
    __u8 prefixlen;   // copy of the key's prefixlen (the LPM lookup does not return the key)
};

struct auth_key {
    __u32 local_identity;  // host order: the identity of the endpoint this program enforces for
    __u32 remote_identity; // host order: the peer's identity (from the ipcache)
    __u16 remote_node_id;  // 0: any node (the ipcache carries no node yet, so the program looks up 0)
    __u8 auth_type;        // AUTH_TYPE_*
    __u8 pad;
};

struct auth_value {
    __u64 expiry_ns;       // CLOCK_BOOTTIME (bpf_ktime_get_boot_ns); live while now < expiry
};

struct endpoint_info {
    __u32 identity;        // host order; 0 = not known yet (then no auth entry can match)
};

struct ct_key {
    __u32 ifindex;   // the enforcing interface: conntrack is per endpoint and direction
    __u32 saddr;     // original direction, network order
    __u32 daddr;
    __u16 sport;     // host order
    __u16 dport;
    __u8 protocol;
    __u8 direction;
    __u16 pad;
};

#define CT_CLOSING 1

struct ct_value {
    __u64 created_ns;   // bpf_ktime_get_ns
    __u64 last_seen_ns;
    __u32 remote_identity;
    __u32 flags;        // CT_CLOSING once a FIN or RST was seen: the short closing lifetime applies
};

struct counter {
    __u64 packets;
    __u64 bytes;
};

struct config {
    __u64 ct_lifetime_tcp_ns;   // 0 = 6 hours
    __u64 ct_lifetime_other_ns; // 0 = 60 seconds
    __u32 flags;                // CFG_*
    __u32 ct_closing_ms;        // lifetime of a TCP entry after FIN/RST; 0 = 10 seconds
};

struct flow_event {
    __u64 timestamp_ns;
    __u32 ifindex;
    __u32 saddr;            // network order
    __u32 daddr;            // network order
    __u32 remote_identity;
    __u16 sport;            // host order
    __u16 dport;
    __u8 protocol;
    __u8 direction;
    __u8 allowed;           // 1 passed, 0 dropped
    __u8 reason;            // R_*
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 524288);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct ipcache_key);
    __type(value, struct ipcache_value);
} ipcache SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 262144);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct policy_key);
    __type(value, struct policy_value);
} policy SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 524288);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct auth_key);
    __type(value, struct auth_value);
} auth SEC(".maps");

// Per endpoint (pinned next to its policy map): the endpoint's own identity, the auth map's local side.
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct endpoint_info);
} endpoint SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, struct ct_key);
    __type(value, struct ct_value);
} conntrack SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, R_COUNT);
    __type(key, __u32);
    __type(value, struct counter);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct config);
} config SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 20);
} events SEC(".maps");

struct flow {
    __u32 saddr, daddr;
    __u16 sport, dport;
    __u8 protocol;
    __u8 tcp_flags;
};

#define TCP_FIN 0x01
#define TCP_RST 0x04

static __always_inline void count(__u32 reason, __u32 len) {
    struct counter *c = bpf_map_lookup_elem(&counters, &reason);
    if (c) {
        c->packets++;
        c->bytes += len;
    }
}

static __always_inline int finish(struct __sk_buff *skb, struct config *cfg, struct flow *f, __u8 dir,
                                  __u32 identity, __u32 reason, int allowed, int emit) {
    count(reason, skb->len);
    skb->cb[0] = reason + 1; // read back by BPF_PROG_TEST_RUN in tests; scratch space otherwise
    __u32 want = allowed ? CFG_EVENTS_ALLOWED : CFG_EVENTS_DROPPED;
    if (emit && cfg && (cfg->flags & want)) {
        struct flow_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
        if (e) {
            e->timestamp_ns = bpf_ktime_get_ns();
            e->ifindex = skb->ifindex;
            e->saddr = f->saddr;
            e->daddr = f->daddr;
            e->remote_identity = identity;
            e->sport = f->sport;
            e->dport = f->dport;
            e->protocol = f->protocol;
            e->direction = dir;
            e->allowed = allowed;
            e->reason = reason;
            bpf_ringbuf_submit(e, 0);
        }
    }
    return allowed ? TC_ACT_OK : TC_ACT_SHOT;
}

static __always_inline int ct_live(struct ct_value *v, struct config *cfg, __u8 protocol, __u64 now) {
    __u64 lifetime;
    if (protocol == IPPROTO_TCP && (v->flags & CT_CLOSING)) {
        lifetime = (cfg && cfg->ct_closing_ms ? cfg->ct_closing_ms : 10000) * 1000000ULL;
    } else if (protocol == IPPROTO_TCP) {
        lifetime = cfg && cfg->ct_lifetime_tcp_ns ? cfg->ct_lifetime_tcp_ns : 6ULL * 3600 * 1000000000ULL;
    } else {
        lifetime = cfg && cfg->ct_lifetime_other_ns ? cfg->ct_lifetime_other_ns : 60ULL * 1000000000ULL;
    }
    return now - v->last_seen_ns <= lifetime;
}

// True while the auth map holds a live entry for (this endpoint's identity, remote_identity).
static __always_inline int authenticated(__u32 remote_identity) {
    __u32 zero = 0;
    struct endpoint_info *ep = bpf_map_lookup_elem(&endpoint, &zero);
    if (!ep || !ep->identity) {
        return 0;
    }
    struct auth_key ak = {.local_identity = ep->identity, .remote_identity = remote_identity,
                          .remote_node_id = 0, .auth_type = AUTH_TYPE_SPIFFE};
    struct auth_value *av = bpf_map_lookup_elem(&auth, &ak);
    return av && bpf_ktime_get_boot_ns() < av->expiry_ns;
}

static __always_inline int handle(struct __sk_buff *skb, __u8 dir) {
    __u32 zero = 0;
    struct config *cfg = bpf_map_lookup_elem(&config, &zero);
    struct flow f = {};
    __u16 eth_proto;
    if (bpf_skb_load_bytes(skb, 12, &eth_proto, sizeof(eth_proto)) < 0) {
        return finish(skb, cfg, &f, dir, 0, R_DROPPED_MALFORMED, 0, 0);
    }
    if (eth_proto == bpf_htons(ETH_P_IPV6)) {
        // IPv6 is not policed yet: pass neighbour discovery (ICMPv6) so links work, drop the rest.
        __u8 nexthdr;
        if (bpf_skb_load_bytes(skb, ETH_HLEN + 6, &nexthdr, 1) == 0 && nexthdr == IPPROTO_ICMPV6) {
            return finish(skb, cfg, &f, dir, 0, R_PASSED_NOT_IP, 1, 0);
        }
        return finish(skb, cfg, &f, dir, 0, R_DROPPED_IPV6, 0, 0);
    }
    if (eth_proto != bpf_htons(ETH_P_IP)) {
        return finish(skb, cfg, &f, dir, 0, R_PASSED_NOT_IP, 1, 0); // ARP and friends
    }
    struct iphdr ip;
    if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0 || ip.ihl < 5) {
        return finish(skb, cfg, &f, dir, 0, R_DROPPED_MALFORMED, 0, 0);
    }
    f.saddr = ip.saddr;
    f.daddr = ip.daddr;
    f.protocol = ip.protocol;
    if (ip.frag_off & bpf_htons(0x1FFF)) {
        // Non-first fragments carry no ports; fail closed rather than judge them without ports.
        return finish(skb, cfg, &f, dir, 0, R_DROPPED_FRAGMENT, 0, 1);
    }
    if (ip.protocol == IPPROTO_TCP || ip.protocol == IPPROTO_UDP || ip.protocol == IPPROTO_SCTP) {
        __u16 ports[2];
        if (bpf_skb_load_bytes(skb, ETH_HLEN + ip.ihl * 4, ports, sizeof(ports)) < 0) {
            return finish(skb, cfg, &f, dir, 0, R_DROPPED_MALFORMED, 0, 1);
        }
        f.sport = bpf_ntohs(ports[0]);
        f.dport = bpf_ntohs(ports[1]);
        if (ip.protocol == IPPROTO_TCP) {
            bpf_skb_load_bytes(skb, ETH_HLEN + ip.ihl * 4 + 13, &f.tcp_flags, 1);
        }
    }

    __u64 now = bpf_ktime_get_ns();
    struct ct_key ck = {.ifindex = skb->ifindex, .saddr = f.saddr, .daddr = f.daddr, .sport = f.sport,
                        .dport = f.dport, .protocol = f.protocol, .direction = dir};
    struct ct_value *cv = bpf_map_lookup_elem(&conntrack, &ck);
    if (cv && ct_live(cv, cfg, f.protocol, now)) {
        cv->last_seen_ns = now;
        if (f.tcp_flags & (TCP_FIN | TCP_RST)) {
            cv->flags |= CT_CLOSING;
        }
        return finish(skb, cfg, &f, dir, cv->remote_identity, R_ALLOWED_ESTABLISHED, 1, 0);
    }
    struct ct_key rk = {.ifindex = skb->ifindex, .saddr = f.daddr, .daddr = f.saddr, .sport = f.dport,
                        .dport = f.sport, .protocol = f.protocol, .direction = dir ^ 1};
    cv = bpf_map_lookup_elem(&conntrack, &rk);
    if (cv && ct_live(cv, cfg, f.protocol, now)) {
        cv->last_seen_ns = now;
        if (f.tcp_flags & (TCP_FIN | TCP_RST)) {
            cv->flags |= CT_CLOSING;
        }
        return finish(skb, cfg, &f, dir, cv->remote_identity, R_ALLOWED_REPLY, 1, 0);
    }

    struct ipcache_key ik = {.prefixlen = 32, .addr = dir == DIR_EGRESS ? f.daddr : f.saddr};
    struct ipcache_value *iv = bpf_map_lookup_elem(&ipcache, &ik);
    __u32 identity = iv ? iv->identity : IDENTITY_WORLD;

    struct policy_key pk = {.prefixlen = 64, .identity = bpf_htonl(identity), .direction = dir,
                            .protocol = f.protocol, .port = bpf_htons(f.dport)};
    struct policy_value exact = {}, any = {};
    int has_exact = 0, has_any = 0;
    struct policy_value *pv = identity ? bpf_map_lookup_elem(&policy, &pk) : 0;
    if (pv) {
        exact = *pv;
        has_exact = 1;
    }
    pk.identity = 0;
    pv = bpf_map_lookup_elem(&policy, &pk);
    if (pv) {
        any = *pv;
        has_any = 1;
    }
    if ((has_exact && (exact.flags & PV_DENY)) || (has_any && (any.flags & PV_DENY))) {
        return finish(skb, cfg, &f, dir, identity, R_DENIED_BY_POLICY, 0, 1);
    }
    if (!has_exact && !has_any) {
        return finish(skb, cfg, &f, dir, identity, R_NO_MATCH, 0, 1);
    }
    int exact_wins;
    if (!has_exact) {
        exact_wins = 0;
    } else if (!has_any) {
        exact_wins = 1;
    } else if ((exact.proxy_port != 0) != (any.proxy_port != 0)) {
        exact_wins = exact.proxy_port != 0;
    } else {
        exact_wins = exact.prefixlen >= any.prefixlen;
    }
    __u16 proxy_port = exact_wins ? exact.proxy_port : any.proxy_port;
    int auth = (has_exact && (exact.flags & PV_AUTH)) || (has_any && (any.flags & PV_AUTH));
    __u32 flags = cfg ? cfg->flags : 0;
    if (auth && !(flags & CFG_PASS_AUTH) && !authenticated(identity)) {
        return finish(skb, cfg, &f, dir, identity, R_AUTH_REQUIRED, 0, 1);
    }
    if (proxy_port && !(flags & CFG_PASS_REDIRECT)) {
        return finish(skb, cfg, &f, dir, identity, R_L7_REDIRECT_UNSUPPORTED, 0, 1);
    }
    struct ct_value nv = {.created_ns = now, .last_seen_ns = now, .remote_identity = identity,
                          .flags = (f.tcp_flags & (TCP_FIN | TCP_RST)) ? CT_CLOSING : 0};
    bpf_map_update_elem(&conntrack, &ck, &nv, BPF_ANY);
    return finish(skb, cfg, &f, dir, identity, R_ALLOWED_NEW, 1, 1);
}

SEC("tc")
int from_endpoint(struct __sk_buff *skb) {
    return handle(skb, DIR_EGRESS);
}

SEC("tc")
int to_endpoint(struct __sk_buff *skb) {
    return handle(skb, DIR_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
