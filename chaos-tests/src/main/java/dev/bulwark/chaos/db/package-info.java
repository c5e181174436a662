/**
 * The database under test as real OS processes: a bridge and one network namespace per replica (veth
 * into the bridge, addresses from a private /24 used only inside them), one data directory per replica,
 * and the replica processes started inside their namespaces, handled by PID (kill -9, SIGSTOP/SIGCONT,
 * restart on the same data, wipe). Everything created is recorded and removed on close, also from a
 * shutdown hook. Needs root. Imports the JDK only.
 */
package dev.bulwark.chaos.db;
