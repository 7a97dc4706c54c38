package io.brume.router;

import java.util.Arrays;

/**
 * The route simulation's pending events: a binary min-heap on (time, sequence) over primitive
 * arrays. A simulated fog of thousands of nodes handles ~10^7 events per policy; one object per
 * event and a comparator call per heap step were a large share of the run (JFR). The order is the
 * total order (time, then insertion sequence), the same as a {@code PriorityQueue} of events
 * compared that way.
 */
final class EventQueue {
  private double[] times = new double[1024];
  private long[] sequences = new long[1024];
  private int[] types = new int[1024];
  private int[] payloads = new int[1024];
  private int size;
  private long nextSequence;
  private double polledTime;
  private int polledType;
  private int polledPayload;

  boolean isEmpty() {
    return size == 0;
  }

  /** Adds an event of {@code type} at {@code time} carrying {@code payload}. */
  void add(double time, int type, int payload) {
    if (size == times.length) {
      int capacity = size * 2;
      times = Arrays.copyOf(times, capacity);
      sequences = Arrays.copyOf(sequences, capacity);
      types = Arrays.copyOf(types, capacity);
      payloads = Arrays.copyOf(payloads, capacity);
    }
    long sequence = nextSequence++;
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(time, sequence, times[parent], sequences[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, time, sequence, type, payload);
  }

  /**
   * Removes the earliest event; read it with {@link #time()}, {@link #type()}, {@link #payload()}.
   */
  void poll() {
    polledTime = times[0];
    polledType = types[0];
    polledPayload = payloads[0];
    int last = --size;
    if (last == 0) {
      return;
    }
    double time = times[last];
    long sequence = sequences[last];
    int type = types[last];
    int payload = payloads[last];
    int i = 0;
    int half = last >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < last && before(times[right], sequences[right], times[child], sequences[child])) {
        child = right;
      }
      if (!before(times[child], sequences[child], time, sequence)) {
        break;
      }
      move(child, i);
      i = child;
    }
    set(i, time, sequence, type, payload);
  }

  double time() {
    return polledTime;
  }

  int type() {
    return polledType;
  }

  int payload() {
    return polledPayload;
  }

  private static boolean before(double time, long sequence, double otherTime, long otherSequence) {
    int byTime = Double.compare(time, otherTime);
    return byTime != 0 ? byTime < 0 : sequence < otherSequence;
  }

  private void move(int from, int to) {
    times[to] = times[from];
    sequences[to] = sequences[from];
    types[to] = types[from];
    payloads[to] = payloads[from];
  }

  private void set(int i, double time, long sequence, int type, int payload) {
    times[i] = time;
    sequences[i] = sequence;
    types[i] = type;
    payloads[i] = payload;
  }
}
