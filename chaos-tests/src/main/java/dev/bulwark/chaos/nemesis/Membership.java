package dev.bulwark.chaos.nemesis;

/** Changes the replica group's membership (for wipe-and-rejoin). Implemented over the store's own CLI. */
public interface Membership {

    /** Removes {@code node} from the group; called with the node dead and wiped. */
    void remove(String node);

    /** Adds {@code node} back; called after it was restarted empty. */
    void add(String node);
}
