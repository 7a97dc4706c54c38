package io.brume.node;

/**
 * Something the agent hosts beside probing and its HTTP API (later: the proxy, the dashboard).
 * Components are started in order after the agent's own sockets are bound and stopped in reverse
 * order; a component that fails to start stops the agent.
 */
public interface AgentComponent {
  /** Starts the component; {@code agent} gives access to the coordinates and configuration. */
  void start(Agent agent) throws Exception;

  /** Stops the component; called once, also after a failed {@link #start}. Must not throw. */
  void stop();
}
