package dev.bulwark.policy.compile;

import java.util.List;
import java.util.Map;

/**
 * What one engine operation changed: per endpoint, the map entries to write and delete (only
 * endpoints that changed appear), and the events it raised.
 */
public record PolicyDelta(Map<String, EndpointDelta> endpoints, List<EngineEvent> events) {

    public PolicyDelta {
        endpoints = Map.copyOf(endpoints);
        events = List.copyOf(events);
    }

    public boolean isEmpty() {
        return endpoints.isEmpty() && events.isEmpty();
    }
}
