package dev.bulwark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelSetTest {

    @Test
    void canonicalFormIsSortedAndDeduplicated() {
        LabelSet a = LabelSet.parse(List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=x", "k8s:app=web"));
        LabelSet b = LabelSet.parse(List.of("k8s:io.kubernetes.pod.namespace=x", "app=web"));
        assertEquals(a, b);
        assertEquals(2, a.size());
        assertEquals("k8s:app=web;k8s:io.kubernetes.pod.namespace=x;", a.canonical());
        assertArrayEquals(a.canonicalBytes(), b.canonicalBytes());
        assertEquals(a, LabelSet.fromCanonical(a.canonical()));
        assertEquals(LabelSet.of(Label.reserved("host")), LabelSet.fromCanonical("reserved:host=;"));
    }

    @Test
    void fromCanonicalAcceptsOnlyTheCanonicalForm() {
        for (String bad : List.of("k8s:b=1;k8s:a=1;", "k8s:a=1;k8s:a=1;", "k8s:a=1", "k8s:a=1;;k8s:b=1;", "k8s:a=1;k8s:a=2;")) {
            assertThrows(InvalidLabelException.class, () -> LabelSet.fromCanonical(bad), bad);
        }
        assertEquals(LabelSet.parse(List.of("k8s:a=1", "k8s:b=1")), LabelSet.fromCanonical("k8s:a=1;k8s:b=1;"));
    }

    @Test
    void rejectsConflictingValuesForOneKey() {
        var e = assertThrows(InvalidLabelException.class, () -> LabelSet.parse(List.of("app=web", "app=db")));
        assertTrue(e.getMessage().contains("k8s:app"), e.getMessage());
    }

    @Test
    void errorsNameThePosition() {
        var e = assertThrows(InvalidLabelException.class, () -> LabelSet.parse(List.of("app=web", "bad key=x")));
        assertTrue(e.getMessage().startsWith("[1]: "), e.getMessage());
        assertTrue(e.at("label_sets[3].labels").getMessage().startsWith("label_sets[3].labels[1]: "));
    }

    @Test
    void rejectsOversizedSets() {
        List<Label> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(Label.k8s("k" + i, "v"));
        }
        var e = assertThrows(InvalidLabelException.class, () -> LabelSet.of(many));
        assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
        assertEquals(256, LabelSet.of(many.subList(0, 256)).size());
    }

    @Test
    void lookupByKey() {
        LabelSet s = LabelSet.parse(List.of("k8s:app=web", "reserved:host"));
        assertEquals("web", s.get("k8s", "app").orElseThrow());
        assertTrue(s.get("k8s", "missing").isEmpty());
        assertEquals("k8s:app=web reserved:host", s.toString());
    }
}
