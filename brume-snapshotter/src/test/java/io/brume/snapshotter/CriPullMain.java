package io.brume.snapshotter;

/**
 * {@code CriPullMain SOCKET IMAGE}: one CRI PullImage, as kubelet sends it, on containerd's socket;
 * prints the seconds it took, the image ref and the seconds of the untimed warm-up call (used by
 * bench/cri, which has no crictl).
 */
public final class CriPullMain {
  /** Removing an image that is not there is a no-op for containerd (and the CRI spec). */
  private static final String NOT_AN_IMAGE = "localhost/brume-cri-warm-up:absent";

  private CriPullMain() {}

  public static void main(String[] args) {
    try (CriClient cri = new CriClient(java.nio.file.Path.of(args[0]))) {
      // kubelet's connection to containerd is long established: connect and load this fresh JVM's
      // gRPC and protobuf classes untimed, with a call that changes nothing
      long warming = System.nanoTime();
      cri.remove(NOT_AN_IMAGE);
      double warmUp = (System.nanoTime() - warming) / 1e9;
      long started = System.nanoTime();
      String ref = cri.pull(args[1]);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "%.3f %s %.3f%n", seconds, ref, warmUp);
    }
  }
}
