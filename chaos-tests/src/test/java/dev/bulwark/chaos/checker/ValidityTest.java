package dev.bulwark.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ValidityTest {

    @Test
    void invalidBeatsUnknownBeatsValid() {
        assertEquals(Validity.INVALID, Validity.UNKNOWN.and(Validity.INVALID));
        assertEquals(Validity.INVALID, Validity.INVALID.and(Validity.UNKNOWN));
        assertEquals(Validity.UNKNOWN, Validity.VALID.and(Validity.UNKNOWN));
        assertEquals(Validity.VALID, Validity.VALID.and(Validity.VALID));
    }
}
