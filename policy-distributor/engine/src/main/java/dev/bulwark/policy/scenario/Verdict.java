package dev.bulwark.policy.scenario;

/** The verdict for one probe. Printed lowercase, as the scenario format writes it. */
public enum Verdict {
    ALLOW, DENY;

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
