package dev.bulwark.agent.sync;

import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.PolicyMap;
import java.util.Optional;

/** What the sync loop programs: the ipcache and the policy map of each endpoint attached on this node. */
public interface NodeDatapath {

    IpcacheMap ipcache();

    /** The policy map of endpoint {@code name} ("namespace/pod") if it is attached here. */
    Optional<PolicyMap> policyMap(String name);

    /** True when this datapath enforces in the kernel; false for the model datapath. */
    boolean enforcing();
}
