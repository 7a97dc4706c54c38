package io.brume.dashboard;

import java.util.Objects;

/**
 * One node's deployment of the demo image in one lane, as {@code GET /api/deployments} shows it.
 *
 * @param node the node's name
 * @param image the image reference being deployed
 * @param lane the deployment lane, e.g. {@code "brume"} (auto strategy, nearest peers first) or
 *     {@code "docker"} (docker strategy, origin only)
 * @param state where the deployment is
 * @param bytesTotal compressed bytes of the image's blobs fetched so far (peers + origin)
 * @param bytesFromPeers of those, bytes that came from peers
 * @param bytesFromOrigin of those, bytes that came from the origin registry
 * @param readySeconds seconds from the start of the deployment until the image was committed on
 *     this node; NaN until then
 */
public record DeploymentView(
    String node,
    String image,
    String lane,
    State state,
    long bytesTotal,
    long bytesFromPeers,
    long bytesFromOrigin,
    double readySeconds) {

  /** A deployment's state; {@link #json} is how the API spells it. */
  public enum State {
    PENDING("pending"),
    PULLING("pulling"),
    READY("ready"),
    FAILED("failed");

    private final String json;

    State(String json) {
      this.json = json;
    }

    /** The state's name in the JSON API. */
    public String json() {
      return json;
    }
  }

  /** Checks the references. */
  public DeploymentView {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(state, "state");
  }
}
