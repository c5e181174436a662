package dev.bulwark.agent.sync;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.PolicyMap;
import java.util.Optional;

/** What the sync loop programs: the ipcache and the policy map of each endpoint attached on this node. */
public interface NodeDatapath {

    IpcacheMap ipcache();

    /** The policy map of endpoint {@code name} ("namespace/pod") if it is attached here. */
    Optional<PolicyMap> policyMap(String name);

    /**
     * Sets the identity of endpoint {@code name} if it is attached here: the local side of the auth map
     * lookups of its auth-required allows (0 = unknown, no entry matches).
     */
    void setEndpointIdentity(String name, int identity);

    /** The node-wide auth map the endpoint-auth handshake writes. */
    AuthMap auth();

    /** True when this datapath enforces in the kernel; false for the model datapath. */
    boolean enforcing();
}
