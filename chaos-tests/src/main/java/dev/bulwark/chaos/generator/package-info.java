/**
 * What happens when: a seeded, pure plan of client operations (rate-limited, in phases: warm-up,
 * faults, heal, quiesce, final reads) and of fault windows. The same seed and configuration always give
 * the same plan; execution timing does not feed back into it. Imports history (names) and the JDK.
 */
package dev.bulwark.chaos.generator;
