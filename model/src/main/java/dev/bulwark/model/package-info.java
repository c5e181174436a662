/**
 * Shared domain types of Bulwark: labels, label sets and numeric security identities.
 *
 * <p>Everything here is an immutable value with validation in its constructor; nothing does I/O and
 * nothing imports anything but the JDK, so every service (identity-allocator, policy-distributor,
 * node-agent, mesh-auth) can share these without sharing a runtime. Validation failures throw
 * {@link dev.bulwark.model.InvalidLabelException} with a message that a caller prefixes with the field
 * path (e.g. {@code label_sets[0].labels[2]}).
 */
package dev.bulwark.model;
