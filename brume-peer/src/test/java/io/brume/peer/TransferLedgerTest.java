package io.brume.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferLedgerTest {
  @TempDir Path store;

  @Test
  void anEmptyStoreHasNoTotals() throws Exception {
    assertThat(TransferLedger.of(store).totals()).isEmpty();
  }

  @Test
  void pullsAddUpBySource() throws Exception {
    TransferLedger.of(store).add(tally(100, 7));
    TransferLedger.of(store).add(tally(50, 0));
    assertThat(TransferLedger.of(store).totals())
        .isEqualTo(Map.of(TransferLedger.REGISTRY, 150L, TransferLedger.PEER, 7L));
  }

  /**
   * Concurrent pulls in one process (the snapshotter, the agent's pulls, the tests) each add their
   * tally; none may fail on the file lock another thread holds, and no addition may be lost.
   */
  @Test
  void concurrentAddsInOneProcessAreAllCounted() throws Exception {
    int pulls = 64;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < pulls; i++) {
        futures.add(
            threads.submit(
                () -> {
                  TransferLedger.of(store).add(tally(10, 1));
                  TransferLedger.of(store).totals();
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    }
    assertThat(TransferLedger.of(store).totals())
        .isEqualTo(Map.of(TransferLedger.REGISTRY, 10L * pulls, TransferLedger.PEER, 1L * pulls));
  }

  private static TransferLedger.Tally tally(long registry, long peer) {
    TransferLedger.Tally tally = new TransferLedger.Tally();
    tally.add(TransferLedger.REGISTRY, registry);
    tally.add(TransferLedger.PEER, peer);
    return tally;
  }
}
