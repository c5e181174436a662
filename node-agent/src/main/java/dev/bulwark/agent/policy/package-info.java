/**
 * Desired versus current map state: the pure diff that the datapath classes apply. Imports only the JDK
 * and dev.bulwark.model.
 */
package dev.bulwark.agent.policy;
