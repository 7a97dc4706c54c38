/**
 * {@code brume doctor}: checks a node against the advice for small fog nodes and says what to
 * change and why. Every check reads through a {@link io.brume.doctor.SystemView}, so tests run them
 * against a fake {@code /proc} and {@code /sys} tree.
 */
package io.brume.doctor;
