package dev.bulwark.model.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityLabelFilterTest {

    private final SecurityLabelFilter filter = SecurityLabelFilter.defaults();

    @Test
    void keepsApplicationNamespaceAndPolicyLabels() {
        for (String text : List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=prod",
                "k8s:io.cilium.k8s.namespace.labels.team=a", "k8s:app.kubernetes.io/name=api",
                "k8s:io.cilium.k8s.policy.cluster=c1", "k8s:io.cilium.k8s.policy.serviceaccount=sa",
                "reserved:host", "cidr:10.0.0.0/8")) {
            assertTrue(filter.isSecurityRelevant(Label.parse(text)), text);
        }
    }

    @Test
    void dropsPerPodAndControllerInternals() {
        for (String text : List.of("k8s:pod-template-hash=abc", "k8s:controller-revision-hash=7f",
                "k8s:statefulset.kubernetes.io/pod-name=db-0", "k8s:apps.kubernetes.io/pod-index=0",
                "k8s:batch.kubernetes.io/job-completion-index=3", "k8s:kubernetes.io/hostname=n1",
                "k8s:io.kubernetes.container.name=x", "k8s:beta.kubernetes.io/arch=amd64",
                "k8s:k8s.io/foo=bar", "k8s:pod-template-generation=2", "k8s:etcd_node=a")) {
            assertFalse(filter.isSecurityRelevant(Label.parse(text)), text);
        }
    }

    @Test
    void splitsKeepingDroppedLabelsAsInformation() {
        LabelSet in = LabelSet.parse(List.of("app=web", "pod-template-hash=abc", "io.kubernetes.pod.namespace=x"));
        FilteredLabels out = filter.filter(in);
        assertEquals(LabelSet.parse(List.of("app=web", "io.kubernetes.pod.namespace=x")), out.security());
        assertEquals(LabelSet.parse(List.of("pod-template-hash=abc")), out.information());
    }

    @Test
    void userIncludeSwitchesToAllowListMode() {
        SecurityLabelFilter f = SecurityLabelFilter.of(List.of("k8s:app"));
        assertTrue(f.allowListMode());
        assertTrue(f.isSecurityRelevant(Label.parse("k8s:app=web")));
        assertFalse(f.isSecurityRelevant(Label.parse("k8s:tier=front")));
        assertTrue(f.isSecurityRelevant(Label.parse("k8s:io.kubernetes.pod.namespace=x")), "defaults still apply");
    }

    @Test
    void userExcludeDropsAndLongerIncludeWins() {
        SecurityLabelFilter f = SecurityLabelFilter.of(List.of("!tier", "tier\\.keep"));
        assertFalse(f.isSecurityRelevant(Label.parse("k8s:tier=front")));
        assertTrue(f.isSecurityRelevant(Label.parse("k8s:tier.keep=1")));
    }

    @Test
    void badExpressionNamesPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecurityLabelFilter.of(List.of("app", "!(")));
        assertTrue(e.getMessage().startsWith("[1]: label pattern \"!(\""), e.getMessage());
    }

    @Test
    void rememberedDecisionsMatchFreshOnesAlsoPastTheBound() {
        SecurityLabelFilter filter = SecurityLabelFilter.of(List.of("!tier"));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < SecurityLabelFilter.REMEMBERED_KEYS + 100; i++) {
                assertTrue(filter.isSecurityRelevant(Label.k8s("app" + i, "x")), "app" + i + " in round " + round);
                assertFalse(filter.isSecurityRelevant(Label.k8s("tier" + i, "x")), "tier" + i + " in round " + round);
            }
        }
        // Each filter decides by its own patterns: an allow-list filter does not reuse the defaults' decisions.
        SecurityLabelFilter allowList = SecurityLabelFilter.of(List.of("tier"));
        assertTrue(SecurityLabelFilter.defaults().isSecurityRelevant(Label.k8s("app", "x")));
        assertFalse(allowList.isSecurityRelevant(Label.k8s("app", "x")));
    }

    @Test
    void aSetWithOnlySecurityLabelsComesBackWhole() {
        LabelSet set = LabelSet.parse(List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=x"));
        FilteredLabels f = SecurityLabelFilter.defaults().filter(set);
        assertEquals(set, f.security());
        assertTrue(f.information().isEmpty());
        FilteredLabels mixed = SecurityLabelFilter.defaults().filter(LabelSet.parse(List.of("k8s:app=web", "k8s:pod-template-hash=abc")));
        assertEquals(LabelSet.parse(List.of("k8s:app=web")), mixed.security());
        assertEquals(LabelSet.parse(List.of("k8s:pod-template-hash=abc")), mixed.information());
    }
}
