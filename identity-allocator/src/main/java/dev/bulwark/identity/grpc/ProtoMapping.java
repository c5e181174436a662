package dev.bulwark.identity.grpc;

import dev.bulwark.identity.IdentityChange;
import dev.bulwark.identity.IdentityRecord;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.ChangeType;
import dev.bulwark.proto.identity.v1.Identity;
import dev.bulwark.proto.identity.v1.IdentityChange.Builder;

/** Conversions between the core's values and the proto messages. */
public final class ProtoMapping {

    private ProtoMapping() {
    }

    public static dev.bulwark.proto.identity.v1.LabelSet toProto(LabelSet set) {
        dev.bulwark.proto.identity.v1.LabelSet.Builder b = dev.bulwark.proto.identity.v1.LabelSet.newBuilder();
        for (Label l : set) {
            b.addLabels(dev.bulwark.proto.identity.v1.Label.newBuilder()
                    .setSource(l.source()).setKey(l.key()).setValue(l.value()));
        }
        return b.build();
    }

    /** Converts without filtering; throws {@link dev.bulwark.model.InvalidLabelException} for bad labels. */
    public static LabelSet fromProto(dev.bulwark.proto.identity.v1.LabelSet set) {
        return LabelSet.of(set.getLabelsList().stream()
                .map(l -> new Label(l.getSource(), l.getKey(), l.getValue())).toList());
    }

    public static Identity toProto(IdentityRecord r) {
        return Identity.newBuilder()
                .setId(r.id())
                .setLabels(toProto(r.labels()))
                .addAllOwners(r.owners())
                .setCreatedRevision(r.createdRevision())
                .setCreatedUnixMs(r.createdMs())
                .setUnreferencedSinceUnixMs(r.unreferencedSinceMs())
                .build();
    }

    /** A fixed (reserved or pinned) identity, which has no record in the table. */
    public static Identity fixedToProto(int id, LabelSet labels) {
        return Identity.newBuilder().setId(id).setLabels(toProto(labels)).build();
    }

    public static dev.bulwark.proto.identity.v1.IdentityChange toProto(IdentityChange c) {
        Builder b = dev.bulwark.proto.identity.v1.IdentityChange.newBuilder()
                .setRevision(c.revision())
                .setType(c.type() == IdentityChange.Type.ALLOCATED ? ChangeType.CHANGE_TYPE_ALLOCATED
                        : ChangeType.CHANGE_TYPE_RELEASED)
                .setIdentity(toProto(c.identity()));
        return b.build();
    }
}
