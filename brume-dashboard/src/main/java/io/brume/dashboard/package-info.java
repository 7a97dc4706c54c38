/**
 * The live dashboard of a fog: a JSON API ({@code /api/nodes}, {@code /api/routing}, {@code
 * /api/stats}) and a plain HTML/JS/SVG page served from the jar, with no external resources.
 *
 * <p>{@link io.brume.dashboard.DashboardServer} serves any {@link
 * io.brume.dashboard.DashboardSource}: {@code brume up} passes its emulated fog, an agent its own
 * view of the nodes it knows.
 */
package io.brume.dashboard;
