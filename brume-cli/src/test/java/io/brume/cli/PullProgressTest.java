package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.Digest;
import io.brume.pull.PullEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PullProgressTest {
  private static final Digest BASE = Digest.sha256("base".getBytes(StandardCharsets.UTF_8));
  private static final Digest APP = Digest.sha256("app".getBytes(StandardCharsets.UTF_8));
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);

  private final StringWriter out = new StringWriter();

  private PullProgress progress(PullProgress.Mode mode) {
    return new PullProgress(new PrintWriter(out), mode, CLOCK);
  }

  @Test
  void plainModePrintsOneTimestampedLinePerStateChangeAndNoByteCounts() {
    PullProgress progress = progress(PullProgress.Mode.PLAIN);
    progress.onEvent(new PullEvent.Waiting(BASE, 2_000_000));
    progress.onEvent(new PullEvent.Downloading(BASE, 1_000_000, 2_000_000));
    progress.onEvent(new PullEvent.Extracting(BASE));
    progress.onEvent(new PullEvent.Done(BASE, 2_000_000, 6_000_000));
    progress.onEvent(new PullEvent.AlreadyPresent(APP, 10));

    String id = BASE.encoded().substring(0, 12);
    assertThat(out.toString().lines())
        .containsExactly(
            "2026-11-29T10:00:00.000Z " + id + " waiting",
            "2026-11-29T10:00:00.000Z " + id + " extracting",
            "2026-11-29T10:00:00.000Z " + id + " done 2.0 MB → 6.0 MB",
            "2026-11-29T10:00:00.000Z " + APP.encoded().substring(0, 12) + " already exists");
  }

  @Test
  void terminalModeRedrawsOneLinePerLayerInPlace() {
    PullProgress progress = progress(PullProgress.Mode.TERMINAL);
    progress.onEvent(new PullEvent.Waiting(BASE, 2_000_000));
    progress.onEvent(new PullEvent.Waiting(APP, 1_000_000));
    progress.onEvent(new PullEvent.Resuming(BASE, 500_000, "connection reset"));
    progress.finish();

    String screen = out.toString();
    // Every redraw after the first moves the cursor up over the two layer lines.
    assertThat(screen).contains("\u001b[2F");
    String lastFrame = screen.substring(screen.lastIndexOf("\u001b[2F"));
    assertThat(lastFrame)
        .contains(BASE.encoded().substring(0, 12) + ": resuming at 0.5 MB (connection reset)")
        .contains(APP.encoded().substring(0, 12) + ": waiting");
  }

  @Test
  void quietModePrintsNothing() {
    PullProgress progress = progress(PullProgress.Mode.QUIET);
    progress.onEvent(new PullEvent.Waiting(BASE, 1));
    progress.onEvent(new PullEvent.Done(BASE, 1, 2));
    progress.finish();
    assertThat(out.toString()).isEmpty();
  }
}
