package dev.bulwark.mesh.bundle;

/** Where a TLS peer reads the bundles it trusts right now (the CA's own, or a watched copy). */
@FunctionalInterface
public interface BundleSource {

    BundleSet bundles();
}
