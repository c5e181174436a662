package dev.bulwark.identity.grpc;

import dev.bulwark.identity.AllocationPolicy;
import dev.bulwark.identity.FixedIdentities;
import dev.bulwark.identity.IdentityCommand;
import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.ReservedIdentity;
import dev.bulwark.model.identity.FilteredLabels;
import dev.bulwark.model.identity.SecurityLabelFilter;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.ReleaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates requests before anything reaches the log, so bad input changes nothing. Every error is an
 * {@link InvalidRequestException} whose message starts with the proto field path, e.g.
 * {@code label_sets[0].labels[2].key: name part must be 1..63 characters, is 70}.
 */
public final class RequestReader {

    /** Most label sets in one Allocate (proto contract). */
    public static final int MAX_LABEL_SETS = 1000;
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    private final AllocationPolicy policy;
    private final SecurityLabelFilter filter;

    public RequestReader(AllocationPolicy policy, SecurityLabelFilter filter) {
        this.policy = policy;
        this.filter = filter;
    }

    /** A validated Allocate: the command for the log and, per label set, what the filter split off. */
    public record ParsedAllocate(IdentityCommand.Allocate command, List<FilteredLabels> filtered) {
    }

    public ParsedAllocate allocate(AllocateRequest request) {
        String owner = owner(request.getOwner());
        int n = request.getLabelSetsCount();
        if (n == 0) {
            throw new InvalidRequestException("label_sets", "at least one label set is required");
        }
        if (n > MAX_LABEL_SETS) {
            throw new InvalidRequestException("label_sets", n + " label sets: at most " + MAX_LABEL_SETS + " per call");
        }
        List<LabelSet> security = new ArrayList<>(n);
        List<FilteredLabels> filtered = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FilteredLabels f = labelSet("label_sets[" + i + "]", request.getLabelSets(i));
            security.add(f.security());
            filtered.add(f);
        }
        return new ParsedAllocate(new IdentityCommand.Allocate(owner, security), filtered);
    }

    /** Validates, canonicalises and filters one label set; {@code path} names it in errors. */
    public FilteredLabels labelSet(String path, dev.bulwark.proto.identity.v1.LabelSet proto) {
        int count = proto.getLabelsCount();
        if (count == 0) {
            throw new InvalidRequestException(path + ".labels", "a label set needs at least one label");
        }
        if (count > LabelSet.MAX_LABELS) {
            throw new InvalidRequestException(path + ".labels", count + " labels: at most " + LabelSet.MAX_LABELS + " allowed");
        }
        List<Label> labels = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            labels.add(label(path + ".labels[" + j + "]", proto.getLabels(j)));
        }
        LabelSet set;
        try {
            set = LabelSet.of(labels);
        } catch (InvalidLabelException e) {
            throw new InvalidRequestException(path + ".labels", e.getMessage());
        }
        FilteredLabels f = filter.filter(set);
        if (f.security().isEmpty()) {
            throw new InvalidRequestException(path, "no security-relevant labels: the filter drops all of \"" + set + "\"");
        }
        checkScope(path, proto, f.security());
        return f;
    }

    private static Label label(String path, dev.bulwark.proto.identity.v1.Label l) {
        try {
            return new Label(l.getSource(), l.getKey(), l.getValue());
        } catch (InvalidLabelException e) {
            String m = e.getMessage();
            String field = m.startsWith("source") ? ".source" : m.startsWith("value") ? ".value" : ".key";
            if (m.startsWith("source, key and value")) {
                field = "";
            }
            throw new InvalidRequestException(path + field, m);
        }
    }

    /** Rejects node-local sources and reserved labels that do not name a fixed identity. */
    private void checkScope(String path, dev.bulwark.proto.identity.v1.LabelSet proto, LabelSet security) {
        boolean fixed = FixedIdentities.of(security, policy).isPresent();
        for (int j = 0; j < proto.getLabelsCount(); j++) {
            dev.bulwark.proto.identity.v1.Label l = proto.getLabels(j);
            String at = path + ".labels[" + j + "]";
            if (l.getSource().equals(Label.SOURCE_CIDR) || l.getSource().equals(Label.SOURCE_FQDN)) {
                throw new InvalidRequestException(at, l.getSource() + ":" + l.getKey()
                        + ": CIDR and FQDN identities are node-local (bit 24); allocate them with the node's local allocator");
            }
            if (l.getSource().equals(Label.SOURCE_RESERVED) && !fixed) {
                boolean known = ReservedIdentity.byLabelName(l.getKey()).isPresent();
                throw new InvalidRequestException(at, known
                        ? "reserved:" + l.getKey() + " names a fixed identity and must be the only label of its set"
                        : "reserved:" + l.getKey() + " is not a reserved identity (host, world, unmanaged, health, init, "
                        + "remote-node, kube-apiserver, ingress, world-ipv4, world-ipv6)");
            }
        }
    }

    public String owner(String owner) {
        if (owner.isEmpty()) {
            throw new InvalidRequestException("owner", "required (the node name taking the reference)");
        }
        if (owner.length() > 253 || !NODE_NAME.matcher(owner).matches()) {
            throw new InvalidRequestException("owner", "\"" + owner
                    + "\" is not a Kubernetes node name (lowercase [a-z0-9.-], 1..253, alphanumeric at both ends)");
        }
        return owner;
    }

    public IdentityCommand.Release release(ReleaseRequest request) {
        String owner = owner(request.getOwner());
        for (int i = 0; i < request.getIdsCount(); i++) {
            identity("ids[" + i + "]", request.getIds(i));
        }
        return new IdentityCommand.Release(owner, request.getIdsList());
    }

    /**
     * Checks that {@code id} could be an identity of this cluster (reserved, user-reserved or in this
     * cluster's range); an id of another cluster or the local scope is a client error.
     */
    public int identity(String field, int id) {
        if (id == 0) {
            throw new InvalidRequestException(field, "0 is not an identity");
        }
        NumericIdentity n;
        try {
            n = NumericIdentity.of(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, e.getMessage());
        }
        if (n.isLocal()) {
            throw new InvalidRequestException(field, id + " is a node-local identity (bit 24); they are never stored here");
        }
        if (n.isReserved() || n.isUserReserved() || policy.inRange(id)) {
            return id;
        }
        int cluster = n.clusterId(policy.layout());
        throw new InvalidRequestException(field, id + " belongs to cluster " + cluster + ", but this allocator serves cluster "
                + policy.clusterId() + " (" + policy.minIdentity() + ".." + policy.maxIdentity() + ")");
    }
}
