package dev.bulwark.policy.api;

/** What a rule does to the flows it matches. */
public enum Action { ALLOW, DENY }
