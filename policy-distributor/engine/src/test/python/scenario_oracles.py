# Run: python3 scenario_oracles.py. Hand-written oracles for the engine's own verdict scenarios (each expectation written from the spec,
# not from the engine). Writes YAML scenario files.
import os, textwrap
NS = ['x', 'y', 'z']
PODS = [(n, p) for n in NS for p in 'abc']
IP = {f'{n}/{p}': f'10.244.{NS.index(n)+1}.{"abc".index(p)+1}' for n, p in PODS}
PORTS = "[{name: serve-80-tcp, port: 80, protocol: TCP}, {name: serve-80-udp, port: 80, protocol: UDP}, {name: serve-80-sctp, port: 80, protocol: SCTP}, {name: serve-81-tcp, port: 81, protocol: TCP}, {name: serve-81-udp, port: 81, protocol: UDP}, {name: serve-81-sctp, port: 81, protocol: SCTP}]"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'scenarios', 'own')
os.makedirs(OUT, exist_ok=True)

def pods(): return [f'{n}/{p}' for n, p in PODS]

def write(fname, name, source, policies, oracle, ports=((80,'TCP'),(81,'TCP'),(80,'UDP'),(80,'SCTP')), outside=(), notes=None, ns_labels=None):
    lines = [f'name: "{name}"', f'source: "{source}"']
    if notes: lines.append(f'notes: "{notes}"')
    lines.append('namespaces:')
    for n in NS:
        extra = (ns_labels or {}).get(n, {})
        lab = {'ns': n, 'kubernetes.io/metadata.name': n, **extra}
        lines.append(f'  {n}: {{' + ', '.join(f'{k}: {v}' for k, v in lab.items()) + '}')
    lines.append('pods:')
    for n, p in PODS:
        lines.append(f'  - {{namespace: {n}, name: {p}, labels: {{pod: {p}}}, ip: {IP[n+"/"+p]}, ports: {PORTS}}}')
    lines.append('policies:')
    for pol in policies:
        lines.append('  - |')
        lines.extend('    ' + l for l in textwrap.dedent(pol).strip('\n').split('\n'))
    lines.append('probes:')
    n = 0
    for port, proto in ports:
        for s in pods() + list(outside):
            for d in pods() + list(outside):
                if s == d or (s in outside and d in outside): continue
                v = oracle(s, d, port, proto)
                if v is None: continue
                lines.append(f'  - {{from: {s}, to: {d}, port: {port}, protocol: {proto}, expect: {"allow" if v else "deny"}}}')
                n += 1
    open(os.path.join(OUT, fname), 'w').write('\n'.join(lines) + '\n')
    print(fname, n)

ns = lambda e: e.split('/')[0] if '/' in e else None
pod = lambda e: e.split('/')[1] if '/' in e else None
ispod = lambda e: '/' in e

# 1 default deny egress in x
write('default-deny-egress.yaml', 'Default-deny egress in x: x pods reach nothing, everyone else reaches x',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector' (deny-all egress half); Kubernetes docs 'Default deny all egress traffic'",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: default-deny-egress, namespace: x}
  spec:
    podSelector: {}
    policyTypes: [Egress]
 '''], lambda s, d, p, pr: ns(s) != 'x', outside=['192.168.1.5'])

# 2 deny-all then allow-all ingress: union wins
write('deny-then-allow-all-union.yaml', 'Default-deny ingress plus an allow-all ingress policy in x: policies are additive, everything allowed',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should allow ingress access from updated namespace' style additive semantics; Kubernetes docs 'Allow all ingress traffic' (ingress: [{}])",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: deny-all, namespace: x}
  spec:
    podSelector: {}
    policyTypes: [Ingress]
 ''', '''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: allow-all, namespace: x}
  spec:
    podSelector: {}
    ingress:
    - {}
 '''], lambda s, d, p, pr: True, outside=['192.168.1.5'])

# 3 namespaceSelector only
write('namespace-selector-ingress.yaml', 'Ingress to x/a only from namespace ns=y (any pod there): y pods allowed, x and z pods and outside denied',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector'",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: allow-from-y, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    ingress:
    - from:
      - namespaceSelector:
          matchLabels: {ns: y}
 '''], lambda s, d, p, pr: d != 'x/a' or ns(s) == 'y', outside=['192.168.1.5'])

# 4 matchExpressions on pods: ingress to x/* from pods with pod NotIn [b] in same namespace AND Exists pod
write('pod-match-expressions.yaml', 'Ingress to all of x from same-namespace pods whose pod label is In [a, c] (matchExpressions); x/b and other namespaces denied',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should enforce policy based on PodSelector with MatchExpressions'",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: in-a-c, namespace: x}
  spec:
    podSelector: {}
    ingress:
    - from:
      - podSelector:
          matchExpressions:
          - {key: pod, operator: In, values: [a, c]}
          - {key: pod, operator: Exists}
          - {key: missing, operator: DoesNotExist}
 '''], lambda s, d, p, pr: ns(d) != 'x' or (ispod(s) and ns(s) == 'x' and pod(s) in 'ac'))

# 5 ports: UDP and SCTP, default TCP
write('multiple-ports-protocols.yaml', 'Ingress to x/a on 80 (protocol omitted = TCP) and 81/UDP and 80/SCTP only',
 "kubernetes/kubernetes staging/src/k8s.io/api/networking/v1/types.go NetworkPolicyPort.protocol ('If not specified, this field defaults to TCP'); e2e 'should support allow-all policy' UDP/SCTP variants",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: ports, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    ingress:
    - ports:
      - port: 80
      - {port: 81, protocol: UDP}
      - {port: 80, protocol: SCTP}
 '''], lambda s, d, p, pr: d != 'x/a' or (p, pr) in [(80,'TCP'),(81,'UDP'),(80,'SCTP')],
 ports=((80,'TCP'),(81,'TCP'),(80,'UDP'),(81,'UDP'),(80,'SCTP'),(81,'SCTP')))

# 6 named port egress
write('named-port-egress.yaml', 'Egress from x/a only to named port serve-80-udp (protocol UDP) anywhere: 80/UDP out of x/a allowed, the rest denied',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should allow egress access on one named port'",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: egress-named, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    policyTypes: [Egress]
    egress:
    - ports:
      - {port: serve-80-udp, protocol: UDP}
 '''], lambda s, d, p, pr: s != 'x/a' or (p, pr) == (80, 'UDP'))

# 7 ipBlock egress with except to outside
write('ipblock-egress-except.yaml', 'Egress from x/a to 192.168.0.0/16 except 192.168.1.0/24 only: 192.168.2.5 allowed, 192.168.1.5 and 203.0.113.7 denied; x/a to pods denied',
 "https://kubernetes.io/docs/concepts/services-networking/network-policies/ (ipBlock except); cilium/cilium Documentation/security/policy/language.rst (toCIDRSet except); cilium#9209 (ipBlock never matches pod IPs)",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: cidr-egress, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock:
          cidr: 192.168.0.0/16
          except: [192.168.1.0/24]
 '''], lambda s, d, p, pr: s != 'x/a' or d == '192.168.2.5', outside=['192.168.1.5', '192.168.2.5', '203.0.113.7'], ports=((80,'TCP'),(53,'UDP')))

# 8 CNP ingressDeny beats KNP allow
write('cnp-deny-beats-knp-allow.yaml', 'A CNP ingressDeny from y pods beats a NetworkPolicy that allows everything into x/a: y->x/a denied, others allowed',
 "cilium/cilium Documentation/security/policy/deny.rst ('Deny policies take precedence over allow policies, regardless of whether they are a Cilium Network Policy, a Clusterwide Cilium Network Policy or even a Kubernetes Network Policy')",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: allow-all-into-a, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    ingress:
    - {}
 ''', '''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: deny-from-y, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingressDeny:
    - fromEndpoints:
      - matchLabels:
          k8s:io.kubernetes.pod.namespace: y
 '''], lambda s, d, p, pr: d != 'x/a' or ns(s) != 'y', outside=['192.168.1.5'])

# 9 enableDefaultDeny false with deny on port 81
write('cnp-deny-without-default-deny.yaml', 'CCNP with enableDefaultDeny false denying 81/TCP into every x pod: only 81/TCP into x is denied, everything else stays open',
 "cilium/cilium pkg/policy/api/rule.go EnableDefaultDeny ('If multiple policies apply to an endpoint, that endpoint's default deny will be enabled if any policy requests it'); Documentation/security/policy/language.rst",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumClusterwideNetworkPolicy
  metadata: {name: deny-81-into-x}
  spec:
    endpointSelector:
      matchLabels:
        k8s:io.kubernetes.pod.namespace: x
    enableDefaultDeny:
      ingress: false
    ingressDeny:
    - fromEntities: [all]
      toPorts:
      - ports:
        - {port: "81", protocol: TCP}
 '''], lambda s, d, p, pr: not (ispod(d) and ns(d) == 'x' and (p, pr) == (81, 'TCP')), outside=['192.168.1.5'])

# 10 fromEntities world
write('cnp-from-entities-world.yaml', 'CNP on x/a allowing ingress fromEntities world only: outside IPs reach x/a, no pod does',
 "cilium/cilium Documentation/security/policy/layer3.rst (Entities based: world 'corresponds to all endpoints outside of the cluster')",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: world-only, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingress:
    - fromEntities: [world]
 '''], lambda s, d, p, pr: d != 'x/a' or not ispod(s), outside=['192.168.1.5', '203.0.113.7'])

# 11 fromEntities cluster
write('cnp-from-entities-cluster.yaml', 'CNP on x/a allowing ingress fromEntities cluster: every pod reaches x/a, outside IPs do not',
 "cilium/cilium Documentation/security/policy/layer3.rst (Entities based: cluster is the logical group of all network endpoints inside of the local cluster)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: cluster-only, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingress:
    - fromEntities: [cluster]
 '''], lambda s, d, p, pr: d != 'x/a' or ispod(s), outside=['192.168.1.5'])

# 12 toPorts protocol ANY
write('cnp-port-any-protocol.yaml', 'CNP toPorts port 80 without protocol (ANY) into x/a: 80 over TCP, UDP and SCTP allowed from anywhere, 81 denied',
 "cilium/cilium Documentation/security/policy/layer4.rst ('If no protocol is specified ... the rule applies to all protocols'); shared/scenarios/README.md",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: any-80, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingress:
    - toPorts:
      - ports:
        - port: "80"
 '''], lambda s, d, p, pr: d != 'x/a' or p == 80,
 ports=((80,'TCP'),(80,'UDP'),(80,'SCTP'),(81,'TCP'),(81,'UDP')), outside=['192.168.1.5'])

# 13 CCNP with cross-namespace fromEndpoints
write('ccnp-cross-namespace.yaml', 'CCNP selecting pod=a in every namespace, ingress only from pods of namespace z: z pods reach every a, nothing else does',
 "cilium/cilium Documentation/security/policy/kubernetes.rst (CiliumClusterwideNetworkPolicy; k8s:io.kubernetes.pod.namespace label)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumClusterwideNetworkPolicy
  metadata: {name: a-from-z}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingress:
    - fromEndpoints:
      - matchLabels:
          k8s:io.kubernetes.pod.namespace: z
 '''], lambda s, d, p, pr: pod(d) != 'a' or (ispod(s) and ns(s) == 'z'), outside=['192.168.1.5'], ports=((80,'TCP'),(81,'UDP')))

# 14 fromCIDRSet except + egressDeny toCIDR
write('cnp-cidr-set-and-egress-deny.yaml', 'CNP on x/a: egress to 203.0.113.0/24 except 203.0.113.128/25 allowed, plus an egressDeny to 203.0.113.7/32 which wins',
 "cilium/cilium Documentation/security/policy/layer3.rst (IP/CIDR based: toCIDRSet with except) and deny.rst (deny wins)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: cidr, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    egress:
    - toCIDRSet:
      - cidr: 203.0.113.0/24
        except: [203.0.113.128/25]
    egressDeny:
    - toCIDR: [203.0.113.7/32]
 '''], lambda s, d, p, pr: s != 'x/a' or d in ('203.0.113.5',),
 outside=['203.0.113.5', '203.0.113.7', '203.0.113.200', '198.51.100.1'], ports=((443,'TCP'),))

# 15 CNP ingress [{}] isolates
write('cnp-empty-ingress-rule-denies.yaml', 'CNP with endpointSelector {} and ingress: [{}] in y: default deny ingress for all of y, egress untouched',
 "cilium/cilium Documentation/security/policy/language.rst (Ingress Default Deny: an empty ingress rule selects nothing but enables default deny)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: deny-in-y, namespace: y}
  spec:
    endpointSelector: {}
    ingress:
    - {}
 '''], lambda s, d, p, pr: not (ispod(d) and ns(d) == 'y'), outside=['192.168.1.5'], ports=((80,'TCP'),))

# 16 KNP ingress+egress both
write('ingress-and-egress-one-policy.yaml', 'One NetworkPolicy on x/b: ingress only from x/a on 80/TCP, egress only to namespace y; both directions enforced',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should enforce ingress policy allowing any port traffic to a server on a specific protocol' and egress-to-namespace cases",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: both, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: b}
    policyTypes: [Ingress, Egress]
    ingress:
    - from:
      - podSelector:
          matchLabels: {pod: a}
      ports:
      - {port: 80, protocol: TCP}
    egress:
    - to:
      - namespaceSelector:
          matchLabels: {ns: y}
 '''], lambda s, d, p, pr: (d != 'x/b' or (s == 'x/a' and (p, pr) == (80, 'TCP'))) and (s != 'x/b' or (ispod(d) and ns(d) == 'y')),
 outside=['192.168.1.5'], ports=((80,'TCP'),(81,'TCP'),(80,'UDP')))

# 17 L7 http: L4 verdict allow on 80 (redirected), 81 denied
write('cnp-l7-http-redirect.yaml', 'CNP with HTTP rules on 80/TCP into x/a from x/b: the connection is allowed at L4 (redirected to the proxy), 81 denied, other sources denied',
 "cilium/cilium Documentation/security/policy/layer7.rst (HTTP rules on toPorts; L7 enforced by the proxy after the L4 verdict)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: http, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingress:
    - fromEndpoints:
      - matchLabels: {pod: b}
      toPorts:
      - ports:
        - {port: "80", protocol: TCP}
        rules:
          http:
          - {method: GET, path: "/public/.*"}
 '''], lambda s, d, p, pr: d != 'x/a' or (s == 'x/b' and (p, pr) == (80, 'TCP')), ports=((80,'TCP'),(81,'TCP')))

# 18 UDP endPort range on egress
write('endport-range-udp-egress.yaml', 'Egress from all of z limited to UDP 80-81 (endPort): 80/UDP and 81/UDP allowed, TCP and SCTP denied',
 "kubernetes/kubernetes staging/src/k8s.io/api/networking/v1/types.go NetworkPolicyPort.endPort; kubernetes-sigs/network-policy-api policy-assistant portprotocolcases",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: udp-range, namespace: z}
  spec:
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - ports:
      - {protocol: UDP, port: 80, endPort: 81}
 '''], lambda s, d, p, pr: not (ispod(s) and ns(s) == 'z') or pr == 'UDP',
 ports=((80,'UDP'),(81,'UDP'),(80,'TCP'),(81,'SCTP')))

# 19 namespace selector on namespace labels beyond ns/name, plus pod selector AND
write('namespace-label-selector.yaml', 'Ingress into y/c from pods pod=a in namespaces labelled team=blue (x and z): x/a and z/a allowed only',
 "kubernetes/kubernetes test/e2e/network/netpol/network_policy.go 'should enforce policy based on PodSelector and NamespaceSelector'; Cilium KNP translation io.cilium.k8s.namespace.labels",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: blue-a, namespace: y}
  spec:
    podSelector:
      matchLabels: {pod: c}
    ingress:
    - from:
      - namespaceSelector:
          matchLabels: {team: blue}
        podSelector:
          matchLabels: {pod: a}
 '''], lambda s, d, p, pr: d != 'y/c' or s in ('x/a', 'z/a'), ports=((80,'TCP'),), ns_labels={'x': {'team': 'blue'}, 'z': {'team': 'blue'}, 'y': {'team': 'red'}})

# 20 two rules OR; peers in one rule OR
write('rules-and-peers-are-ored.yaml', 'Ingress into x/c: rule 1 from pod=a (same ns) on 80/TCP, rule 2 from namespace z on 81/TCP; rules and peers are ORed, ports bind to their rule',
 "https://kubernetes.io/docs/concepts/services-networking/network-policies/ (Behavior of to and from selectors; each rule's ports apply to that rule's peers)",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: two-rules, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: c}
    ingress:
    - from:
      - podSelector:
          matchLabels: {pod: a}
      ports:
      - {port: 80}
    - from:
      - namespaceSelector:
          matchLabels: {ns: z}
      ports:
      - {port: 81}
 '''], lambda s, d, p, pr: d != 'x/c' or (s == 'x/a' and p == 80 and pr == 'TCP') or (ns(s) == 'z' and p == 81 and pr == 'TCP'),
 ports=((80,'TCP'),(81,'TCP'),(80,'UDP')))

# 21 CNP deny L4 vs allow L3 (deny table from deny.rst column 2)
write('cnp-deny-port-beats-l3-allow.yaml', 'CNP allows x/b into x/a on everything, and denies x/b into x/a on 80/TCP: 80/TCP denied, 81/TCP allowed',
 "cilium/cilium Documentation/security/policy/deny.rst (table: L3 allow + L4 80/TCP deny -> curl :80 denied, curl :81 allowed)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: l3-allow-l4-deny, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    ingress:
    - fromEndpoints:
      - matchLabels: {pod: b}
    ingressDeny:
    - fromEndpoints:
      - matchLabels: {pod: b}
      toPorts:
      - ports:
        - {port: "80", protocol: TCP}
 '''], lambda s, d, p, pr: d != 'x/a' or (s == 'x/b' and (p, pr) != (80, 'TCP')), ports=((80,'TCP'),(81,'TCP'),(80,'UDP')))

# 22 namespaceSelector {} = all pods, no outside
write('namespace-selector-empty-all-pods.yaml', 'Ingress to x/a from namespaceSelector {} (every pod in every namespace): all pods allowed, outside IPs denied',
 "https://kubernetes.io/docs/concepts/services-networking/network-policies/ (namespaceSelector {} selects all namespaces); Cilium KNP translation (an empty namespace selector means all namespaces)",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: all-pods, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    ingress:
    - from:
      - namespaceSelector: {}
 '''], lambda s, d, p, pr: d != 'x/a' or ispod(s), outside=['192.168.1.5'], ports=((80,'TCP'),))

# 23 ipBlock 0.0.0.0/0 egress: outside allowed, pods not (Cilium)
write('ipblock-all-excludes-pods.yaml', 'Egress from x/a to ipBlock 0.0.0.0/0 only: every outside address allowed, pods denied (CIDR peers never match pod IPs in Cilium)',
 "cilium/cilium#9209 and #35212 (ipBlock/toCIDR do not select pod IPs); shared/scenarios/README.md (an IP that is no pod's IP is outside the cluster)",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: to-internet, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: 0.0.0.0/0}
 '''], lambda s, d, p, pr: s != 'x/a' or not ispod(d), outside=['192.168.1.5', '8.8.8.8'], ports=((443,'TCP'),))

# 24 policyTypes Ingress only: egress rules ignored
write('policy-types-ignores-other-direction.yaml', 'policyTypes [Ingress] with an egress rule listed: the egress rules are ignored, x/a egress stays open; ingress only from x/b',
 "kubernetes/kubernetes staging/src/k8s.io/api/networking/v1/types.go NetworkPolicySpec.policyTypes (rules of a type not listed do not apply)",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: ingress-only, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector:
          matchLabels: {pod: b}
    egress:
    - to:
      - podSelector:
          matchLabels: {pod: c}
 '''], lambda s, d, p, pr: d != 'x/a' or s == 'x/b', outside=['192.168.1.5'], ports=((80,'TCP'),))

# 25 DNS L7 + toFQDNs
write('cnp-dns-proxy-and-fqdn.yaml', 'CNP egress for x/a: DNS (53/UDP, rules.dns) to z/c, plus toFQDNs api.example.com on 443: DNS to z/c allowed (redirected), nothing else (no IP has been learned for the FQDN offline)',
 "cilium/cilium Documentation/security/policy/language.rst (DNS based: toFQDNs needs a DNS rule to the resolver; IPs are learned by the DNS proxy)",
 ['''
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: dns-and-fqdn, namespace: x}
  spec:
    endpointSelector:
      matchLabels: {pod: a}
    egress:
    - toEndpoints:
      - matchLabels:
          k8s:io.kubernetes.pod.namespace: z
          pod: c
      toPorts:
      - ports:
        - {port: "53", protocol: UDP}
        rules:
          dns:
          - matchPattern: "*"
    - toFQDNs:
      - matchName: api.example.com
      toPorts:
      - ports:
        - {port: "443", protocol: TCP}
 '''], lambda s, d, p, pr: s != 'x/a' or (d == 'z/c' and (p, pr) == (53, 'UDP')), outside=['93.184.216.34'], ports=((53,'UDP'),(443,'TCP')))

# 26 two policies on one pod, different ports: union
write('two-policies-union-of-ports.yaml', 'Two NetworkPolicies select x/a: one allows 80/TCP from x/b, the other 81/TCP from y/b: each source gets only its own port',
 "https://kubernetes.io/docs/concepts/services-networking/network-policies/ (policies are additive: the union of what each allows)",
 ['''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: from-xb-80, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    ingress:
    - from:
      - podSelector:
          matchLabels: {pod: b}
      ports:
      - {port: 80}
 ''', '''
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: from-yb-81, namespace: x}
  spec:
    podSelector:
      matchLabels: {pod: a}
    ingress:
    - from:
      - namespaceSelector:
          matchLabels: {ns: y}
        podSelector:
          matchLabels: {pod: b}
      ports:
      - {port: 81}
 '''], lambda s, d, p, pr: d != 'x/a' or (s == 'x/b' and p == 80 and pr == 'TCP') or (s == 'y/b' and p == 81 and pr == 'TCP'),
 ports=((80,'TCP'),(81,'TCP')))
