package io.brume.snapshotter;

/**
 * {@code CriPullMain SOCKET IMAGE}: one CRI PullImage, as kubelet sends it, on containerd's socket;
 * prints the seconds it took (used by bench/cri, which has no crictl).
 */
public final class CriPullMain {
  private CriPullMain() {}

  public static void main(String[] args) {
    try (CriClient cri = new CriClient(java.nio.file.Path.of(args[0]))) {
      long started = System.nanoTime();
      String ref = cri.pull(args[1]);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "%.3f %s%n", seconds, ref);
    }
  }
}
