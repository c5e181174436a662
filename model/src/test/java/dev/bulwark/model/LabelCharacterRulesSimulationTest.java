package dev.bulwark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.testkit.Seeds;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written character rules of {@link Label} accept exactly what the Kubernetes and Cilium
 * patterns accept. The patterns live here, as the reference: random strings over an alphabet of the
 * interesting characters are validated both ways.
 */
class LabelCharacterRulesSimulationTest {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern FQDN = Pattern.compile("[a-z0-9*]([a-z0-9*.-]*[a-z0-9*])?");
    private static final String ALPHABET = "azAZ09-._*/: =é";

    @Test
    void handWrittenRulesAcceptExactlyWhatThePatternsAccept() throws Exception {
        Seeds.run("label character rules", random -> {
            for (int i = 0; i < 200_000; i++) {
                String a = text(random, 40).replace('/', ':'); // a '/' makes a prefixed key, checked below
                String b = text(random, 70);
                String c = text(random, 8);
                assertEquals(SOURCE.matcher(c).matches(), valid(c, "app", "v"), "source " + c);
                boolean keyOk = a.length() <= Label.MAX_NAME && NAME.matcher(a).matches();
                assertEquals(keyOk, valid("k8s", a, "v"), "key " + a);
                boolean valueOk = b.isEmpty() || (b.length() <= Label.MAX_NAME && NAME.matcher(b).matches());
                assertEquals(valueOk, valid("k8s", "app", b), "value " + b);
                boolean prefixOk = !c.isEmpty() && c.chars().noneMatch(ch -> ch == '/')
                        && java.util.Arrays.stream(c.split("\\.", -1)).allMatch(p -> DNS_LABEL.matcher(p).matches());
                assertEquals(prefixOk, valid("k8s", c + "/app", "v"), "prefix " + c);
                assertEquals(a.length() <= Label.MAX_NAME && DNS_LABEL.matcher(a).matches(), valid("reserved", a, ""), "reserved " + a);
                assertEquals(a.length() <= Label.MAX_PREFIX && FQDN.matcher(a).matches(), valid("fqdn", a, ""), "fqdn " + a);
            }
        });
    }

    private static boolean valid(String source, String key, String value) {
        try {
            new Label(source, key, value);
            return true;
        } catch (InvalidLabelException e) {
            return false;
        }
    }

    /** Short strings over a small alphabet, so that both valid and invalid ones are common. */
    private static String text(RandomGenerator random, int maxLength) {
        int n = random.nextInt(4) == 0 ? random.nextInt(maxLength + 1) : random.nextInt(4);
        StringBuilder sb = new StringBuilder(n);
        boolean plain = random.nextBoolean();
        for (int i = 0; i < n; i++) {
            sb.append(plain && random.nextInt(5) > 0 ? (char) ('a' + random.nextInt(26)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
