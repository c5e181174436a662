/**
 * Strict manifest reading: YAML/JSON (Jackson) to validated {@link dev.bulwark.policy.api.Policy}
 * values, every error naming its field path. Imports Jackson, model and policy.api only.
 */
package dev.bulwark.policy.parse;
