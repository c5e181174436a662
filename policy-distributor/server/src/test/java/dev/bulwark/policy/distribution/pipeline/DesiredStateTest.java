package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.model.LabelSet;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ManifestParser;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStateTest {

    private final Workload web = new Workload("shop/web", "shop", "web", "n1", List.of("10.0.0.1", "fd00::1"),
            Map.of("app", "web"), LabelSet.EMPTY, 300, Map.of());

    @Test
    void theIpcacheHoldsPodsNodesCidrsAndWorld() {
        Map<KubeObject.Key, KubeObject> objects = new HashMap<>();
        ManifestParser.parse("""
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {addresses: [{type: InternalIP, address: 192.168.1.1}, {type: Hostname, address: n1}]}
                """).forEach(o -> objects.put(o.key(), o));
        var compiled = new PolicyCompilation.Compiled(Map.of("shop/web", MapState.allowAll()), Map.of("203.0.113.0/24", 16_777_217), Map.of());
        var state = DesiredState.of(objects, List.of(web), compiled);
        assertEquals(new IpcacheMapping(300, "n1"), state.ipcache().get("10.0.0.1/32"));
        assertEquals(new IpcacheMapping(300, "n1"), state.ipcache().get("fd00::1/128"));
        assertEquals(new IpcacheMapping(6, "n1"), state.ipcache().get("192.168.1.1/32"));
        assertEquals(new IpcacheMapping(16_777_217, ""), state.ipcache().get("203.0.113.0/24"));
        assertEquals(new IpcacheMapping(2, ""), state.ipcache().get("0.0.0.0/0"));
        assertEquals(6, state.ipcache().size());
        assertEquals(MapState.allowAll(), state.nodes().get("n1").get("shop/web").mapState());
    }

    @Test
    void anEndpointWithoutCompiledStateIsABugNotAnAllowAll() {
        var compiled = new PolicyCompilation.Compiled(Map.of(), Map.of(), Map.of());
        assertThrows(IllegalStateException.class, () -> DesiredState.of(Map.of(), List.of(web), compiled));
    }
}
