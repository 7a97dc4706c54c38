package io.brume.coordinate;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A settable clock for tests. */
final class FakeClock implements InstantSource {
  private Instant now;

  FakeClock(Instant now) {
    this.now = now;
  }

  static FakeClock atEpoch() {
    return new FakeClock(Instant.EPOCH);
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
  }
}
