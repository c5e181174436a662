package dev.bulwark.identity.raft;

import dev.bulwark.identity.Transition;

/** Told about each applied entry and each leader change (metrics). Called on Ratis threads; must be cheap. */
public interface ApplyObserver {

    ApplyObserver NONE = new ApplyObserver() {
        @Override
        public void applied(Transition transition, long applyNanos) {
        }

        @Override
        public void leaderChanged(String leaderId) {
        }
    };

    void applied(Transition transition, long applyNanos);

    void leaderChanged(String leaderId);
}
