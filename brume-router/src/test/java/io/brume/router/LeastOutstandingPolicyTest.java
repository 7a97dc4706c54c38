package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeastOutstandingPolicyTest {

  private final LocalView view = Views.rtts(40, 10, 20);

  @Test
  void picksTheEndpointWithFewestInFlightRequests() {
    LeastOutstandingPolicy policy = new LeastOutstandingPolicy();
    policy.requestStarted("e0");
    policy.requestStarted("e1");
    policy.requestStarted("e1");

    assertThat(policy.choose(view, new SplittableRandom(1)).id()).isEqualTo("e2");
    assertThat(policy.weights(view).weight("e2")).isEqualTo(1.0);

    policy.requestFinished("e1", 12);
    policy.requestStarted("e2");
    policy.requestStarted("e2");
    assertThat(policy.weights(view).asMap())
        .containsEntry("e0", 0.5)
        .containsEntry("e1", 0.5)
        .containsEntry("e2", 0.0);
  }

  @Test
  void tiesSpreadEvenly() {
    assertThat(
            Views.histogram(new LeastOutstandingPolicy(), view, new SplittableRandom(2), 30_000)
                .values())
        .allSatisfy(c -> assertThat(c).isBetween(9_700, 10_300));
  }

  @Test
  void finishingMoreThanStartedIsAnError() {
    LeastOutstandingPolicy policy = new LeastOutstandingPolicy();

    assertThatThrownBy(() -> policy.requestFinished("e0", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("request to e0 finished but none was started");
    policy.requestStarted("e0");
    assertThatThrownBy(() -> policy.requestFinished("e0", -3))
        .hasMessage("latency of a request to e0 must be finite and >= 0 ms, got -3.0");
  }

  @Test
  void countsStayExactUnderConcurrentFeedback() throws InterruptedException {
    LeastOutstandingPolicy policy = new LeastOutstandingPolicy();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 50; t++) {
        executor.submit(
            () -> {
              for (int i = 0; i < 1000; i++) {
                policy.requestStarted("e0");
                policy.requestFinished("e0", 1);
              }
              policy.requestStarted("e0");
            });
      }
      executor.shutdown();
      assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    policy.requestStarted("e1");
    // e0 has exactly 50 in flight, e1 one, e2 none.
    assertThat(policy.weights(view).weight("e2")).isEqualTo(1.0);
    for (int i = 0; i < 50; i++) {
      policy.requestFinished("e0", 1);
    }
    assertThatThrownBy(() -> policy.requestFinished("e0", 1))
        .isInstanceOf(IllegalStateException.class);
  }
}
