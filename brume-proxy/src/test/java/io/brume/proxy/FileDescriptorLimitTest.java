package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 6: at the file-descriptor limit every {@code accept} fails at once; the accept
 * loop must back off (not spin at 100 % CPU), say so once, and serve again when descriptors free
 * up. Runs the proxy in a child JVM whose descriptor limit ({@code ulimit -n}) is 256.
 */
class FileDescriptorLimitTest {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

  @TempDir Path dir;

  @Test
  void theAcceptLoopBacksOffAtTheLimitLogsOnceAndRecovers() throws Exception {
    try (Replica replica = Replica.start("a")) {
      Path log = dir.resolve("proxy.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "ulimit -n 256 && exec \"$0\" -Xmx64m \"$3\" -cp \"$1\""
                      + " io.brume.proxy.FdLimitedProxy \"$2\"",
                  java,
                  System.getProperty("java.class.path"),
                  String.valueOf(replica.endpoint().port()),
                  // the data plane under test (the surefire execution's), in the child too
                  "-Dbrume.proxy.io=" + System.getProperty("brume.proxy.io", "event-loop"))
              .redirectError(log.toFile())
              .start();
      List<Socket> flood = new ArrayList<>();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line)
            .as("proxy output, stderr: %s", Files.readString(log))
            .startsWith("listening ");
        InetSocketAddress proxy =
            new InetSocketAddress("127.0.0.1", Integer.parseInt(line.substring(10)));
        assertThat(RawHttp.exchange(proxy, request())).startsWith("HTTP/1.1 200 ");

        for (int i = 0; i < 400; i++) { // beyond the limit: the rest wait in the backlog
          Socket s = new Socket();
          s.connect(proxy, 5_000);
          flood.add(s);
        }
        Thread.sleep(1_000); // let the proxy hit the limit
        long before = cpuTicks(child.pid());
        Thread.sleep(3_000);
        long used = cpuTicks(child.pid()) - before;

        System.out.printf(
            "FileDescriptorLimitTest: proxy used %d ms of CPU in 3 s at the limit%n",
            used * 1000 / CLOCK_TICKS_PER_SECOND);
        assertThat(Duration.ofMillis(used * 1000 / CLOCK_TICKS_PER_SECOND))
            .as("CPU used by the proxy in 3 s at the descriptor limit")
            .isLessThan(Duration.ofMillis(300));
        String stderr = Files.readString(log);
        assertThat(stderr.split("accepting a connection failed", -1)).hasSize(2);
        assertThat(stderr).contains("Too many open files");

        for (Socket s : flood) {
          s.close();
        }
        flood.clear();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String answer = "";
        while (System.nanoTime() < deadline && !answer.startsWith("HTTP/1.1 200 ")) {
          try {
            answer = RawHttp.exchange(proxy, request());
          } catch (RuntimeException e) {
            Thread.sleep(200); // descriptors still being released
          }
        }
        assertThat(answer).startsWith("HTTP/1.1 200 ");
      } finally {
        for (Socket s : flood) {
          s.close();
        }
        child.getOutputStream().close();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
    }
  }

  private static String request() {
    return "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  }

  /** utime + stime of a process, in clock ticks, from /proc/PID/stat. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
