package dev.bulwark.policy.distribution.stream;

import java.time.Duration;

/** Runs a task on the distribution loop after a delay (a session's retry after a NACK). */
@FunctionalInterface
interface LoopTimer {

    void schedule(Duration delay, Runnable task);
}
