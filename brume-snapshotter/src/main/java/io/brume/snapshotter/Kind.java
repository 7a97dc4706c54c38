package io.brume.snapshotter;

/** containerd's snapshot kinds, with the numbers of its {@code Kind} enum. */
public enum Kind {
  VIEW(1),
  ACTIVE(2),
  COMMITTED(3);

  private final int number;

  Kind(int number) {
    this.number = number;
  }

  /** The enum number on the wire and in the metadata database. */
  public int number() {
    return number;
  }

  /** The kind with wire number {@code number}. */
  public static Kind ofNumber(int number) {
    for (Kind kind : values()) {
      if (kind.number == number) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown snapshot kind " + number);
  }
}
