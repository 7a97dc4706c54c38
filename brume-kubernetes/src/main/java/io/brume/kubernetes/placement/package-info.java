/**
 * The offline evaluation of brume-router's placement planner ({@link
 * io.brume.router.placement.PlacementPlanner}) against kube-scheduler's spreading.
 */
package io.brume.kubernetes.placement;
