package io.brume.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.testing.HeadlessChromium;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's scripts, run by headless Chromium against {@link SampleSource}'s fixed data. */
class DashboardPageIT {
  @TempDir Path tmp;

  @Test
  void theDeploymentPanelShowsEveryNodeAndLaneWithItsStateAndTheLanesProgress() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.in(tmp);
    try (DashboardServer server =
        DashboardServer.start(
            new SampleSource(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      String dom = chromium.dumpDom(server.uri(), 3000);

      assertThat(dom).contains("id=\"deploy-panel\"").doesNotContain("id=\"deploy-panel\" hidden");
      assertThat(number(dom, "table", "deployments", "data-rows")).isEqualTo(4);
      assertThat(number(dom, "table", "deployments", "data-ready")).isEqualTo(2);
      assertThat(dom)
          .containsPattern("data-node=\"a\" data-lane=\"brume\" data-state=\"ready\"")
          .containsPattern("data-node=\"c\" data-lane=\"brume\" data-state=\"pulling\"")
          .containsPattern("data-node=\"c\" data-lane=\"docker\" data-state=\"failed\"")
          .contains("3.0 MB from peers")
          .contains("1/2 ready")
          .contains("1 failed")
          .contains("in-process servers (sample)");
      // The rest of the page still renders from the same poll.
      assertThat(number(dom, "svg", "map", "data-node-count")).isEqualTo(3);
    }
  }

  private static int number(String dom, String tag, String id, String attribute) {
    Matcher m =
        Pattern.compile("<" + tag + "[^>]*id=\"" + id + "\"[^>]*" + attribute + "=\"(\\d+)\"")
            .matcher(dom);
    assertThat(m.find()).as(tag + " #" + id + " with " + attribute).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
