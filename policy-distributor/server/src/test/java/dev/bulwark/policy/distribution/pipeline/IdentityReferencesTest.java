package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.model.LabelSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityReferencesTest {

    private static final LabelSet WEB = LabelSet.parse(List.of("k8s:app=web"));
    private static final LabelSet DB = LabelSet.parse(List.of("k8s:app=db"));
    private static final LabelSet PINNED = LabelSet.parse(List.of("k8s:app=pinned"));

    @Test
    void eachNodeAllocatesWhatItDoesNotHoldEvenWhenAnotherNodeHoldsIt() {
        IdentityReferences refs = new IdentityReferences();
        assertEquals(List.of(WEB, DB), refs.missing("n1", List.of(WEB, DB, WEB)));
        refs.allocated("n1", Map.of(WEB, 300, DB, 301));
        assertEquals(List.of(), refs.missing("n1", List.of(DB, WEB)));
        assertEquals(List.of(WEB), refs.missing("n2", List.of(WEB)), "n2 takes its own reference");
        assertEquals(Map.of(WEB, 300, DB, 301), refs.numbers());
    }

    @Test
    void unwantedSetsArePerNodeAndReleasingForgetsOnlyThem() {
        IdentityReferences refs = new IdentityReferences();
        refs.allocated("n1", Map.of(WEB, 300, DB, 301));
        refs.allocated("n2", Map.of(WEB, 300));
        Map<String, List<LabelSet>> wanted = Map.of("n1", List.of(DB), "n2", List.of(WEB));
        assertEquals(Map.of("n1", Map.of(WEB, 300)), refs.unwanted(wanted));
        refs.released("n1", List.of(WEB));
        assertEquals(Map.of(), refs.unwanted(wanted));
        assertEquals(Map.of(WEB, 300, DB, 301), refs.numbers(), "n2 still holds web");
        // A node with no pods left releases everything and is no longer an owner.
        assertEquals(Map.of("n2", Map.of(WEB, 300)), refs.unwanted(Map.of("n1", List.of(DB))));
        refs.released("n2", List.of(WEB));
        assertEquals(List.of("n1"), refs.owners());
        assertEquals(Map.of(DB, 301), refs.numbers());
    }

    @Test
    void fixedIdentitiesAreNotExpectedToCountAsReferences() {
        IdentityReferences refs = new IdentityReferences();
        refs.allocated("n1", Map.of(WEB, 300, PINNED, 200));
        assertEquals(1, refs.expectedReferences("n1"));
        assertEquals(0, refs.expectedReferences("n2"));
        refs.forget("n1");
        assertEquals(List.of(WEB, PINNED), refs.missing("n1", List.of(WEB, PINNED)));
    }
}
