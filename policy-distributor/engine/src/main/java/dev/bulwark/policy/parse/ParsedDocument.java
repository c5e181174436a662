package dev.bulwark.policy.parse;

import dev.bulwark.policy.api.Policy;

/**
 * The outcome of reading one YAML document: a valid policy, or the error that rejected it. One bad
 * document never affects its neighbours.
 */
public sealed interface ParsedDocument {

    /** Zero-based position of the document in its source (after '---' splitting and List expansion). */
    int index();

    /** A valid policy. */
    record Accepted(int index, Policy policy) implements ParsedDocument {
    }

    /**
     * A rejected document.
     *
     * @param label what the document claims to be, as far as it could be read ({@code NetworkPolicy x/p})
     */
    record Rejected(int index, String label, InvalidPolicyException error) implements ParsedDocument {
        /** {@code document 2 (NetworkPolicy x/p): spec.ingress[0]...: reason}. */
        public String message() {
            return "document " + index + (label.isEmpty() ? "" : " (" + label + ")") + ": " + error.getMessage();
        }
    }
}
