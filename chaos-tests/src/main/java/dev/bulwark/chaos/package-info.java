/**
 * Jepsen-style harness for the identity store: processes, nemesis, generator, history and checkers. Talks to the store only through the identity proto.
 */
package dev.bulwark.chaos;
