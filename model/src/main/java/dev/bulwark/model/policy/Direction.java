package dev.bulwark.model.policy;

/** Direction of traffic relative to the endpoint that owns the map. */
public enum Direction {
    /** Into the endpoint; the remote identity is the source. */
    INGRESS,
    /** Out of the endpoint; the remote identity is the destination. */
    EGRESS
}
