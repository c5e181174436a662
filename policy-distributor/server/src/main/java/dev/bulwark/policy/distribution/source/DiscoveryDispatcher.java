package dev.bulwark.policy.distribution.source;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * fabric8's CRUD dispatcher plus the API discovery documents kubectl needs ({@code /api}, {@code /apis},
 * {@code /api/v1}, each group version, {@code /version}). The stock dispatcher answers these with a list
 * of stored objects, which kubectl cannot read (stack.md). OpenAPI stays 404, so kubectl needs
 * {@code --validate=false}.
 */
final class DiscoveryDispatcher extends KubernetesCrudDispatcher {

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    DiscoveryDispatcher(List<CustomResourceDefinitionContext> crds) {
        super(crds);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        if (bare.endsWith("/") && bare.length() > 1) {
            bare = bare.substring(0, bare.length() - 1);
        }
        String json = discovery(bare);
        if (json != null && "GET".equals(request.getMethod())) {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(json);
        }
        return super.dispatch(request);
    }

    private static String discovery(String path) {
        Map<String, List<ObjectKind>> groups = new LinkedHashMap<>();
        for (ObjectKind k : ObjectKind.values()) {
            groups.computeIfAbsent(k.apiVersion, v -> new ArrayList<>()).add(k);
        }
        return switch (path) {
            case "/version" -> "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-bulwark-development-server\","
                    + "\"platform\":\"linux/amd64\"}";
            case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
            case "/apis" -> groupList(groups);
            case "/api/v1" -> resourceList("v1", groups.get("v1"));
            default -> {
                String gv = path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
                if (gv != null && groups.containsKey(gv)) {
                    yield resourceList(gv, groups.get(gv));
                }
                yield gv != null && gv.equals("apiextensions.k8s.io/v1") ? crdResourceList() : null;
            }
        };
    }

    private static String groupList(Map<String, List<ObjectKind>> groups) {
        List<String> entries = new ArrayList<>();
        groups.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
            String group = gv.substring(0, gv.indexOf('/'));
            String version = gv.substring(gv.indexOf('/') + 1);
            String v = "{\"groupVersion\":\"" + gv + "\",\"version\":\"" + version + "\"}";
            entries.add("{\"name\":\"" + group + "\",\"versions\":[" + v + "],\"preferredVersion\":" + v + "}");
        });
        String crd = "{\"groupVersion\":\"apiextensions.k8s.io/v1\",\"version\":\"v1\"}";
        entries.add("{\"name\":\"apiextensions.k8s.io\",\"versions\":[" + crd + "],\"preferredVersion\":" + crd + "}");
        return "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + String.join(",", entries) + "]}";
    }

    private static String resourceList(String groupVersion, List<ObjectKind> kinds) {
        String resources = kinds.stream().map(k -> resource(k.plural, k.kind, k.namespaced, shortNames(k)))
                .collect(Collectors.joining(","));
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + resources + "]}";
    }

    private static String crdResourceList() {
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"apiextensions.k8s.io/v1\",\"resources\":["
                + resource("customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds")) + "]}";
    }

    private static String resource(String plural, String kind, boolean namespaced, List<String> shortNames) {
        String verbs = VERBS.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(","));
        String shorts = shortNames.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
        return "{\"name\":\"" + plural + "\",\"singularName\":\"" + kind.toLowerCase(java.util.Locale.ROOT)
                + "\",\"namespaced\":" + namespaced + ",\"kind\":\"" + kind + "\",\"verbs\":[" + verbs
                + "],\"shortNames\":[" + shorts + "]}";
    }

    private static List<String> shortNames(ObjectKind k) {
        return switch (k) {
            case NAMESPACE -> List.of("ns");
            case POD -> List.of("po");
            case NODE -> List.of("no");
            case NETWORK_POLICY -> List.of("netpol");
            case CILIUM_NETWORK_POLICY -> List.of("cnp", "ciliumnp");
            case CILIUM_CLUSTERWIDE_NETWORK_POLICY -> List.of("ccnp");
        };
    }
}
