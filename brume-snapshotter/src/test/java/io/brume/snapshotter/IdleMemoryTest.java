package io.brume.snapshotter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleMemoryTest {
  private final List<Runnable> scheduled = new ArrayList<>();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicInteger collections = new AtomicInteger();
  private final IdleMemory memory =
      new IdleMemory(scheduled::add, busy::get, collections::incrementAndGet);

  @Test
  void collectsOnceAfterThePullWhenNothingElseRuns() {
    memory.pullEnded();
    assertThat(collections).hasValue(0); // later, not while containerd waits for the answer

    scheduled.forEach(Runnable::run);

    assertThat(collections).hasValue(1);
  }

  @Test
  void pullsInARowCollectOnceAfterTheLast() {
    memory.pullEnded();
    memory.pullEnded();
    memory.pullEnded();

    scheduled.forEach(Runnable::run);

    assertThat(collections).hasValue(1);
  }

  @Test
  void aPullRunningWhenTheCheckComesIsNotInterrupted() {
    memory.pullEnded();
    busy.set(true);
    scheduled.get(0).run();
    assertThat(collections).hasValue(0);

    busy.set(false);
    memory.pullEnded(); // the running pull's own end
    scheduled.get(1).run();

    assertThat(collections).hasValue(1);
  }
}
