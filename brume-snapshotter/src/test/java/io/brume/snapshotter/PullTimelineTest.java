package io.brume.snapshotter;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.Digest;
import io.brume.pull.PullEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PullTimelineTest {
  private static final Digest BASE = Digest.sha256("base".getBytes(StandardCharsets.UTF_8));
  private static final Digest APP = Digest.sha256("app".getBytes(StandardCharsets.UTF_8));

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final PullTimeline timeline = new PullTimeline(nanos::get);

  private void at(long millis, PullEvent event) {
    nanos.set(5_000_000_000L + millis * 1_000_000);
    timeline.onEvent(event);
  }

  @Test
  void eachLayersStepsInMillisecondsSinceThePullBegan() {
    at(0, new PullEvent.Waiting(BASE, 50_000_000));
    at(3, new PullEvent.Waiting(APP, 15_000_000));
    at(10, new PullEvent.Downloading(BASE, 0, 50_000_000));
    at(12, new PullEvent.Extracting(BASE));
    at(20, new PullEvent.Downloading(BASE, 65_536, 50_000_000));
    at(25, new PullEvent.Downloading(APP, 65_536, 15_000_000));
    at(30, new PullEvent.Extracting(BASE)); // a restarted extraction: the first start counts
    at(400, new PullEvent.Transferred(BASE, "registry", 50_000_000, 390_000_000));
    at(420, new PullEvent.Transferred(APP, "registry", 15_000_000, 395_000_000));
    at(1_650, new PullEvent.Done(BASE, 50_000_000, 140_000_000));

    assertThat(timeline.summary())
        .isEqualTo(
            BASE.encoded().substring(0, 12)
                + " 50.0/140.0 MB: first bytes 20 ms, downloaded 400 ms, extracting 12 ms,"
                + " verified 1650 ms; "
                + APP.encoded().substring(0, 12)
                + " 0.0/0.0 MB: first bytes 25 ms, downloaded 420 ms, extracting -, verified -");
    assertThat(timeline.fetchedBytes()).isEqualTo(65_000_000);
    assertThat(timeline.elapsedMillis()).isEqualTo(1_650);
  }

  @Test
  void aLayerAlreadyPresentTookNoStep() {
    at(2, new PullEvent.AlreadyPresent(BASE, 1_000));

    assertThat(timeline.summary())
        .endsWith(": first bytes -, downloaded -, extracting -, verified -");
    assertThat(timeline.fetchedBytes()).isZero();
  }
}
