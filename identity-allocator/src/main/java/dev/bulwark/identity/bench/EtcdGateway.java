package dev.bulwark.identity.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The few etcd v3 calls Cilium's allocator needs, over the JSON gateway ({@code /v3/kv/range|txn|put|
 * deleterange}, {@code /v3/lease/grant}); keys and values are base64 in JSON. Reads are linearizable
 * (etcd's default). Thread-safe; one HTTP/1.1 connection per concurrent caller.
 */
final class EtcdGateway {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    EtcdGateway(String clientUrl) {
        this.base = clientUrl;
    }

    long grantLease(long ttlSeconds) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("TTL", ttlSeconds);
        return post("/v3/lease/grant", body).path("ID").asLong();
    }

    /** The value of {@code key}, or of the first key under it when {@code prefix}. */
    Optional<String> get(String key, boolean prefix) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("limit", 1);
        if (prefix) {
            body.put("range_end", b64(prefixEnd(key)));
        }
        JsonNode kvs = post("/v3/kv/range", body).path("kvs");
        return kvs.isArray() && !kvs.isEmpty() ? Optional.of(unb64(kvs.get(0).path("value").asText())) : Optional.empty();
    }

    /** Creates {@code key} only if it does not exist (and, when {@code lockKey} is set, only while that lock key exists). */
    boolean createOnly(String key, String value, long lease, String lockKey) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode compare = body.putArray("compare");
        compare.addObject().put("key", b64(key)).put("target", "CREATE").put("result", "EQUAL").put("create_revision", 0);
        if (lockKey != null) {
            compare.addObject().put("key", b64(lockKey)).put("target", "CREATE").put("result", "GREATER").put("create_revision", 0);
        }
        ObjectNode put = body.putArray("success").addObject().putObject("request_put").put("key", b64(key)).put("value", b64(value));
        if (lease != 0) {
            put.put("lease", lease);
        }
        return post("/v3/kv/txn", body).path("succeeded").asBoolean(false);
    }

    void put(String key, String value, long lease) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("value", b64(value));
        if (lease != 0) {
            body.put("lease", lease);
        }
        post("/v3/kv/put", body);
    }

    void delete(String key) throws IOException {
        post("/v3/kv/deleterange", JSON.createObjectNode().put("key", b64(key)));
    }

    private JsonNode post(String path, ObjectNode body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("etcd " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    /** The end of the range of keys starting with {@code prefix} (last byte incremented). */
    private static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }
}
