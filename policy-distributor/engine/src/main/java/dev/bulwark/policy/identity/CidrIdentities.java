package dev.bulwark.policy.identity;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The labels of CIDR identities. A CIDR identity (node-local, numbered by
 * {@link dev.bulwark.model.identity.LocalIdentityAllocator}) carries {@code cidr:<p>} for its own
 * prefix and every shorter prefix containing it, plus {@code reserved:world}, as Cilium's do: that is
 * what lets a selector for {@code 10.0.0.0/8} select the identity of {@code 10.1.0.0/16}, and
 * {@code world} select every CIDR identity.
 */
public final class CidrIdentities {

    private CidrIdentities() {
    }
    /** The labels of the identity of {@code cidr}. */
    public static LabelSet labels(Cidr cidr) {
        List<Label> labels = new ArrayList<>();
        labels.add(Label.reserved("world"));
        for (int length = 0; length <= cidr.prefixLength(); length++) {
            labels.add(new Label(Label.SOURCE_CIDR, truncate(cidr, length).toString(), ""));
        }
        return LabelSet.of(labels);
    }

    /** {@code cidr} shortened to {@code length} bits. */
    public static Cidr truncate(Cidr cidr, int length) {
        byte[] bytes = cidr.addressBytes();
        for (int bit = length; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            String text = java.net.InetAddress.getByAddress(bytes).getHostAddress();
            return Cidr.parse(text + "/" + length);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
