/**
 * Registry API v2 / OCI distribution client. {@link io.brume.registry.RegistryClient} is the facade
 * (one per registry, reused); each endpoint is a small package-private class; {@link
 * io.brume.registry.VerifyingInputStream} and {@link io.brume.registry.RateLimitedInputStream} wrap
 * blob bodies.
 */
package io.brume.registry;
