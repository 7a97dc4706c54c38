package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {

  private record Event(double time, long sequence, int type, int payload) {}

  @Test
  void pollsInTimeThenInsertionOrderLikeAPriorityQueue() {
    EventQueue queue = new EventQueue();
    PriorityQueue<Event> reference =
        new PriorityQueue<>(
            Comparator.comparingDouble(Event::time).thenComparingLong(Event::sequence));
    SplittableRandom random = new SplittableRandom(3);
    long sequence = 0;
    for (int step = 0; step < 50_000; step++) {
      if (reference.isEmpty() || random.nextInt(3) > 0) {
        double time = random.nextInt(500) / 4.0; // many equal times
        int type = random.nextInt(5);
        int payload = random.nextInt();
        queue.add(time, type, payload);
        reference.add(new Event(time, sequence++, type, payload));
      } else {
        Event expected = reference.poll();
        queue.poll();
        assertThat(queue.time()).isEqualTo(expected.time());
        assertThat(queue.type()).isEqualTo(expected.type());
        assertThat(queue.payload()).isEqualTo(expected.payload());
      }
      assertThat(queue.isEmpty()).isEqualTo(reference.isEmpty());
    }
  }
}
