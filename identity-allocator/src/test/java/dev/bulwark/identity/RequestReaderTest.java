package dev.bulwark.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.grpc.InvalidRequestException;
import dev.bulwark.identity.grpc.RequestReader;
import dev.bulwark.model.identity.SecurityLabelFilter;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.Label;
import dev.bulwark.proto.identity.v1.LabelSet;
import org.junit.jupiter.api.Test;

/** Bad input: each is a clear error naming the field; nothing reaches the log. */
class RequestReaderTest {

    private final RequestReader reader = new RequestReader(AllocationPolicy.defaults(1), SecurityLabelFilter.defaults());

    private static Label label(String source, String key, String value) {
        return Label.newBuilder().setSource(source).setKey(key).setValue(value).build();
    }

    private static AllocateRequest request(LabelSet... sets) {
        AllocateRequest.Builder b = AllocateRequest.newBuilder().setOwner("node-1");
        for (LabelSet s : sets) {
            b.addLabelSets(s);
        }
        return b.build();
    }

    private String error(AllocateRequest r) {
        return assertThrows(InvalidRequestException.class, () -> reader.allocate(r)).getMessage();
    }

    @Test
    void malformedKeyNamesTheLabel() {
        LabelSet ok = LabelSet.newBuilder().addLabels(label("k8s", "app", "web")).build();
        LabelSet bad = LabelSet.newBuilder().addLabels(label("k8s", "app", "web")).addLabels(label("k8s", "tier", "x"))
                .addLabels(label("k8s", "Bad Key", "v")).build();
        String m = error(request(ok, bad));
        assertTrue(m.startsWith("label_sets[1].labels[2].key: "), m);
    }

    @Test
    void badSourceAndOversizedValueNameTheirFields() {
        assertTrue(error(request(LabelSet.newBuilder().addLabels(label("K8S!", "app", "x")).build()))
                .startsWith("label_sets[0].labels[0].source: "));
        String m = error(request(LabelSet.newBuilder().addLabels(label("k8s", "app", "v".repeat(64))).build()));
        assertTrue(m.startsWith("label_sets[0].labels[0].value: ") && m.contains("63"), m);
    }

    @Test
    void emptyAndHugeSetsAreRejected() {
        assertEquals("label_sets[0].labels: a label set needs at least one label", error(request(LabelSet.getDefaultInstance())));
        LabelSet.Builder huge = LabelSet.newBuilder();
        for (int i = 0; i < 1000; i++) {
            huge.addLabels(label("k8s", "k" + i, "v"));
        }
        assertTrue(error(request(huge.build())).startsWith("label_sets[0].labels: 1000 labels: at most 256"));
        assertTrue(error(AllocateRequest.newBuilder().setOwner("n").build()).startsWith("label_sets: "));
    }

    @Test
    void ownerLocalScopeReservedAndFilteredOutAreRejected() {
        LabelSet web = LabelSet.newBuilder().addLabels(label("k8s", "app", "web")).build();
        assertTrue(assertThrows(InvalidRequestException.class,
                () -> reader.allocate(AllocateRequest.newBuilder().addLabelSets(web).build())).getMessage().startsWith("owner: "));
        assertTrue(error(request(LabelSet.newBuilder().addLabels(label("cidr", "10.0.0.0/8", "")).build()))
                .startsWith("label_sets[0].labels[0]: cidr:10.0.0.0/8: CIDR and FQDN identities are node-local"));
        assertTrue(error(request(LabelSet.newBuilder().addLabels(label("reserved", "bogus", "")).build()))
                .contains("reserved:bogus is not a reserved identity"));
        assertTrue(error(request(LabelSet.newBuilder().addLabels(label("k8s", "pod-template-hash", "abc")).build()))
                .startsWith("label_sets[0]: no security-relevant labels"));
        assertTrue(error(request(LabelSet.newBuilder().addLabels(label("k8s", "app", "a")).addLabels(label("k8s", "app", "b")).build()))
                .startsWith("label_sets[0].labels: conflicting values"));
    }

    @Test
    void filteredLabelsAreReturnedAsInformation() {
        RequestReader.ParsedAllocate p = reader.allocate(request(LabelSet.newBuilder()
                .addLabels(label("k8s", "app", "web")).addLabels(label("k8s", "pod-template-hash", "abc")).build()));
        assertEquals("k8s:app=web;", p.command().labelSets().getFirst().canonical());
        assertEquals("k8s:pod-template-hash=abc;", p.filtered().getFirst().information().canonical());
    }

    @Test
    void idsOfOtherClustersAndLocalScopeAreRejected() {
        assertTrue(assertThrows(InvalidRequestException.class, () -> reader.identity("id", 5 << 16)).getMessage()
                .startsWith("id: 327680 belongs to cluster 5, but this allocator serves cluster 1"));
        assertTrue(assertThrows(InvalidRequestException.class, () -> reader.identity("ids[0]", (1 << 24) | 5)).getMessage()
                .contains("node-local"));
        assertEquals(1 << 16, reader.identity("id", 1 << 16));
        assertEquals(2, reader.identity("id", 2));
    }
}
