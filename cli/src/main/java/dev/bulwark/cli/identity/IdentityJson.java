package dev.bulwark.cli.identity;

import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.proto.identity.v1.Identity;
import dev.bulwark.proto.identity.v1.IdentityChange;
import dev.bulwark.proto.identity.v1.LabelSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON shapes of identities for {@code --output json}: labels as {@code source:key=value} strings. */
final class IdentityJson {

    private IdentityJson() {
    }

    static List<String> labels(LabelSet set) {
        return set.getLabelsList().stream()
                .map(l -> l.getValue().isEmpty() ? l.getSource() + ":" + l.getKey() : l.getSource() + ":" + l.getKey() + "=" + l.getValue())
                .toList();
    }

    static String text(LabelSet set) {
        return String.join(" ", labels(set));
    }

    static Map<String, Object> identity(Identity i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.getId());
        m.put("labels", labels(i.getLabels()));
        m.put("owners", i.getOwnersList());
        m.put("created_revision", i.getCreatedRevision());
        m.put("created_unix_ms", i.getCreatedUnixMs());
        m.put("unreferenced_since_unix_ms", i.getUnreferencedSinceUnixMs());
        return m;
    }

    static Map<String, Object> allocation(Allocation a, long revision) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.getId());
        m.put("created", a.getCreated());
        m.put("labels", labels(a.getLabels()));
        m.put("info_labels", labels(a.getInfoLabels()));
        m.put("revision", revision);
        return m;
    }

    static Map<String, Object> change(IdentityChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("revision", c.getRevision());
        m.put("type", c.getType() == dev.bulwark.proto.identity.v1.ChangeType.CHANGE_TYPE_ALLOCATED ? "allocated" : "released");
        m.put("identity", identity(c.getIdentity()));
        return m;
    }
}
