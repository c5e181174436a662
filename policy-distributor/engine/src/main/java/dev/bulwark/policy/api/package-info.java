/**
 * The engine's typed, immutable policy model: every manifest kind is normalised to {@link
 * dev.bulwark.policy.api.Rule}s over label {@link dev.bulwark.policy.api.Selector}s. Imports model only.
 */
package dev.bulwark.policy.api;
