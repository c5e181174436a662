package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.policy.distribution.source.KubeObject;

/**
 * Where the pipeline reports objects it could not use (the object changes nothing). The pipeline always
 * logs; {@code KubernetesEvents} also records a Kubernetes Event on the object. Called on the pipeline
 * thread, only when a problem appears or changes.
 */
@FunctionalInterface
public interface ProblemReporter {

    ProblemReporter NONE = (key, problem) -> { };

    void report(KubeObject.Key object, String problem);
}
