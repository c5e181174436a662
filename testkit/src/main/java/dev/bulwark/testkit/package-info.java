/**
 * Test support shared by every module's tests: a settable clock and seeded randomness whose seed is
 * printed when a test fails. Test scope only; production code never depends on this package.
 */
package dev.bulwark.testkit;
