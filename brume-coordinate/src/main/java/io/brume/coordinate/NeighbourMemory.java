package io.brume.coordinate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The peers a {@link VivaldiClient} remembers for its averaged update: each one's last coordinate,
 * filtered RTT and time, least recently probed first. Owned by one client, guarded by its lock.
 *
 * <p>Flat primitive arrays indexed by slot, with the recency order kept as a doubly linked list of
 * slots: a simulation of thousands of clients walks these lists 1.5 M × 5 times, and a {@code
 * LinkedHashMap} of records (each with its own coordinate and vector copy) spent most of that time
 * chasing pointers. The walk order is the same as the map's insertion order, so sums over the
 * neighbours are computed in the same order, with the same result.
 */
final class NeighbourMemory {
  private static final int NONE = -1;

  private final int capacity;
  private final int dimensions;
  private final Map<String, Integer> slotOf;
  private final String[] names;
  private final double[] vectors; // [slot * dimensions + i]
  private final double[] heights;
  private final double[] errors;
  private final double[] adjustments;
  private final double[] rtts;
  private final long[] nanos;
  private final int[] prev;
  private final int[] next;
  private final int[] free;
  private int freeCount;
  private int head = NONE;
  private int tail = NONE;
  private int size;

  NeighbourMemory(int capacity, int dimensions) {
    this.capacity = capacity;
    this.dimensions = dimensions;
    slotOf = new HashMap<>(Math.max(4, capacity * 2));
    names = new String[capacity];
    vectors = new double[capacity * dimensions];
    heights = new double[capacity];
    errors = new double[capacity];
    adjustments = new double[capacity];
    rtts = new double[capacity];
    nanos = new long[capacity];
    prev = new int[capacity];
    next = new int[capacity];
    free = new int[capacity];
    clear();
  }

  void clear() {
    slotOf.clear();
    Arrays.fill(names, null);
    for (int s = 0; s < capacity; s++) {
      free[s] = capacity - 1 - s; // slot 0 is handed out first
    }
    freeCount = capacity;
    head = NONE;
    tail = NONE;
    size = 0;
  }

  int size() {
    return size;
  }

  /** Whether {@code node} is remembered. */
  boolean contains(String node) {
    return slotOf.containsKey(node);
  }

  /**
   * Remembers {@code other} as {@code node}'s latest coordinate, measured {@code rtt} ms at {@code
   * now}, as the most recent entry; forgets the least recent one beyond the capacity.
   */
  void remember(String node, Coordinate other, double rtt, long now) {
    Integer known = slotOf.get(node);
    int slot;
    if (known != null) {
      slot = known;
      unlink(slot);
    } else {
      if (size == capacity) {
        forget(names[head]);
      }
      slot = free[--freeCount];
      slotOf.put(node, slot);
      names[slot] = node;
      size++;
    }
    for (int i = 0; i < dimensions; i++) {
      vectors[slot * dimensions + i] = other.component(i);
    }
    heights[slot] = other.height();
    errors[slot] = other.error();
    adjustments[slot] = other.adjustment();
    rtts[slot] = rtt;
    nanos[slot] = now;
    linkLast(slot);
  }

  /** Forgets every entry taken more than {@code maxAgeNanos} before {@code now}. */
  void expire(long now, long maxAgeNanos) {
    for (int s = head; s != NONE; ) {
      int following = next[s];
      if (now - nanos[s] > maxAgeNanos) {
        forget(names[s]);
      }
      s = following;
    }
  }

  void forget(String node) {
    Integer slot = slotOf.remove(node);
    if (slot != null) {
      unlink(slot);
      names[slot] = null;
      free[freeCount++] = slot;
      size--;
    }
  }

  /** The least recently probed entry's slot, or −1 if empty. */
  int first() {
    return head;
  }

  /** The slot after {@code slot} in recency order, or −1. */
  int after(int slot) {
    return next[slot];
  }

  /** Offset of the slot's vector in {@link #vectors()}. */
  int vectorOffset(int slot) {
    return slot * dimensions;
  }

  /** Every slot's vector, {@code dimensions} components from {@link #vectorOffset}; not a copy. */
  double[] vectors() {
    return vectors;
  }

  double height(int slot) {
    return heights[slot];
  }

  double error(int slot) {
    return errors[slot];
  }

  double adjustment(int slot) {
    return adjustments[slot];
  }

  double rtt(int slot) {
    return rtts[slot];
  }

  long nanos(int slot) {
    return nanos[slot];
  }

  private void unlink(int slot) {
    int p = prev[slot];
    int n = next[slot];
    if (p == NONE) {
      head = n;
    } else {
      next[p] = n;
    }
    if (n == NONE) {
      tail = p;
    } else {
      prev[n] = p;
    }
  }

  private void linkLast(int slot) {
    prev[slot] = tail;
    next[slot] = NONE;
    if (tail == NONE) {
      head = slot;
    } else {
      next[tail] = slot;
    }
    tail = slot;
  }
}
