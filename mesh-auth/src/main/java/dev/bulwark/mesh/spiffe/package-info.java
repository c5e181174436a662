/**
 * SPIFFE IDs and trust domain names, parsed strictly by the SPIFFE-ID standard. Pure values: imports
 * only the JDK and {@code dev.bulwark.model}. Every rejection names the rule it breaks.
 */
package dev.bulwark.mesh.spiffe;
