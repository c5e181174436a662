package dev.bulwark.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** An {@link InstantSource} that moves only when told to. Thread-safe. */
public final class ManualClock implements InstantSource {

    private volatile Instant now;

    public ManualClock(Instant start) {
        this.now = start;
    }

    public static ManualClock atEpochMillis(long millis) {
        return new ManualClock(Instant.ofEpochMilli(millis));
    }

    @Override
    public Instant instant() {
        return now;
    }

    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("clocks do not go back: " + d);
        }
        now = now.plus(d);
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }
}
