package dev.bulwark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelTest {

    @Test
    void parsesSourceKeyValueForms() {
        assertEquals(new Label("k8s", "app", "web"), Label.parse("k8s:app=web"));
        assertEquals(new Label("k8s", "app", "web"), Label.parse("app=web"));
        assertEquals(new Label("reserved", "host", ""), Label.parse("reserved:host"));
        assertEquals(new Label("k8s", "io.kubernetes.pod.namespace", "x"), Label.parse("k8s:io.kubernetes.pod.namespace=x"));
        assertEquals(new Label("k8s", "app.kubernetes.io/name", "db"), Label.parse("k8s:app.kubernetes.io/name=db"));
        assertEquals(new Label("cidr", "10.0.0.0/8", ""), Label.parse("cidr:10.0.0.0/8"));
        assertEquals(new Label("cidr", "fd00::/64", ""), Label.parse("cidr:fd00::/64"));
        assertEquals(new Label("fqdn", "*.example.com", ""), Label.parse("fqdn:*.example.com"));
        assertEquals("k8s:app=web", Label.parse("app=web").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k8s:", "k8s:=v", "K8S:app=web", "k8s:app=has space", "k8s:-app=x",
            "k8s:app=x-", "k8s:Example.com/app=x", "k8s:/app=x", "cidr:10.0.0.1/8", "cidr:300.0.0.0/8",
            "cidr:10.0.0.0/33", "reserved:Host", "fqdn:UPPER.example.com"})
    void rejectsMalformedLabels(String text) {
        InvalidLabelException e = assertThrows(InvalidLabelException.class, () -> Label.parse(text));
        assertTrue(e.getMessage().contains("\"") || text.isEmpty(), e.getMessage());
    }

    @Test
    void enforcesKubernetesLengthLimits() {
        String name63 = "a".repeat(63);
        Label.k8s(name63, name63);
        var keyError = assertThrows(InvalidLabelException.class, () -> Label.k8s("a".repeat(64), "v"));
        assertTrue(keyError.getMessage().contains("1..63"), keyError.getMessage());
        var valueError = assertThrows(InvalidLabelException.class, () -> Label.k8s("k", "v".repeat(64)));
        assertTrue(valueError.getMessage().contains("at most 63"), valueError.getMessage());
        Label.k8s("a".repeat(63) + "." + "b".repeat(63) + "/n", "");
    }

    @Test
    void ordersBySourceThenKeyThenValue() {
        List<Label> sorted = List.of(Label.parse("k8s:b=1"), Label.parse("k8s:a=2"), Label.parse("cidr:10.0.0.0/8"))
                .stream().sorted().toList();
        assertEquals(List.of("cidr:10.0.0.0/8", "k8s:a=2", "k8s:b=1"), sorted.stream().map(Label::toString).toList());
    }
}
