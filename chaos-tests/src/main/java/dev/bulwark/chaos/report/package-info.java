/**
 * The run report: one self-contained HTML page (inline CSS and SVG, no external assets) with each
 * checker's verdict, latency over time with fault windows shaded, throughput, operation counts and, on
 * failure, the smallest failing sub-history. Pure rendering from history, verdict and run facts; imports
 * history, checker and the JDK.
 */
package dev.bulwark.chaos.report;
