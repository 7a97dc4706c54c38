/**
 * Test fixtures for image tests against real parts: {@link io.brume.testing.LocalRegistry}
 * (Debian's docker-registry), {@link io.brume.testing.TokenServer}, {@link
 * io.brume.testing.FaultyRelay}, generated layers and images ({@link io.brume.testing.TestLayer},
 * {@link io.brume.testing.TestImage}, {@link io.brume.testing.TestIndex}) and {@link
 * io.brume.testing.ImagePusher}. Depend on this module with test scope.
 */
package io.brume.testing;
