package dev.bulwark.policy.identity;

import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deterministic in-memory numbering for offline use (verdict, trace, compile, tests): identities are
 * handed out from 256 (cluster 0's first) in the order label sets are first asked for. Callers that
 * want numbering independent of input order ask in sorted order. Not thread-safe.
 */
public final class SequentialIdentities implements IdentityPort {

    private final Map<LabelSet, NumericIdentity> byLabels = new HashMap<>();
    private final Map<NumericIdentity, LabelSet> known = new LinkedHashMap<>();
    private int next = IdentityLayout.CLUSTER_ZERO_MIN;

    @Override
    public NumericIdentity identityFor(LabelSet labels) {
        return byLabels.computeIfAbsent(labels, l -> {
            NumericIdentity id = NumericIdentity.of(next++);
            known.put(id, l);
            return id;
        });
    }

    @Override
    public Map<NumericIdentity, LabelSet> known() {
        return Collections.unmodifiableMap(known);
    }
}
