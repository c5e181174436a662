package dev.bulwark.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.testkit.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Seeded random edits of {@link PersistentMap} against a plain {@link HashMap}: every built version
 * holds exactly the model's contents, and no later edit changes an earlier version (structural
 * sharing must never leak a write into a published bucket).
 */
class PersistentMapSimulationTest {

    @Test
    void everyVersionEqualsItsModelAndStaysUnchanged() throws Exception {
        Seeds.run("PersistentMap versions", random -> {
            List<PersistentMap<Integer, Integer>> versions = new ArrayList<>();
            List<Map<Integer, Integer>> models = new ArrayList<>();
            PersistentMap<Integer, Integer> current = PersistentMap.empty();
            Map<Integer, Integer> model = new HashMap<>();
            for (int round = 0; round < 200; round++) {
                PersistentMap.Editor<Integer, Integer> e = current.edit();
                int edits = random.nextInt(0, 300);
                for (int i = 0; i < edits; i++) {
                    int key = random.nextInt(0, 20_000);
                    if (random.nextInt(4) == 0) {
                        e.remove(key);
                        model.remove(key);
                    } else {
                        e.put(key, round);
                        model.put(key, round);
                    }
                    assertEquals(model.size(), e.size(), "editor size");
                }
                current = e.build();
                versions.add(current);
                models.add(new HashMap<>(model));
            }
            for (int v = 0; v < versions.size(); v++) {
                assertEquals(models.get(v), contents(versions.get(v)), "version " + v);
                assertEquals(models.get(v).size(), versions.get(v).size(), "size of version " + v);
                for (int probe = 0; probe < 50; probe++) {
                    int key = random.nextInt(0, 20_000);
                    assertEquals(models.get(v).get(key), versions.get(v).get(key), "get in version " + v);
                }
            }
        });
    }

    @Test
    void anEditWithoutWritesBuildsTheSameMap() {
        PersistentMap<String, Integer> map = PersistentMap.of(Map.of("a", 1, "b", 2));
        PersistentMap.Editor<String, Integer> e = map.edit();
        e.remove("absent");
        assertEquals(1, e.get("a"));
        assertSame(map, e.build());
    }

    @Test
    void anEditorCannotBeUsedAfterBuild() {
        PersistentMap.Editor<String, Integer> e = PersistentMap.<String, Integer>empty().edit();
        e.put("a", 1);
        PersistentMap<String, Integer> built = e.build();
        assertThrows(IllegalStateException.class, () -> e.put("b", 2));
        assertThrows(IllegalStateException.class, e::build);
        assertEquals(Map.of("a", 1), contents(built));
    }

    private static <K, V> Map<K, V> contents(PersistentMap<K, V> map) {
        Map<K, V> out = new HashMap<>();
        map.forEach(out::put);
        return out;
    }
}
