package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Probes every non-draining endpoint once per interval, each probe on its own virtual thread so a
 * slow endpoint does not delay the others. A failed probe ejects a ready endpoint; a passing probe
 * re-admits an endpoint ejected at least one interval ago (so one lucky probe right after a burst
 * of failures does not bring it straight back).
 */
final class HealthChecker implements AutoCloseable {
  private final UpstreamSet upstreams;
  private final HealthCheck check;
  private final Thread loop;
  private volatile boolean running = true;

  HealthChecker(UpstreamSet upstreams, HealthCheck check) {
    this.upstreams = upstreams;
    this.check = check;
    this.loop = Thread.ofVirtual().name("brume-proxy-health").unstarted(this::run);
  }

  void start() {
    loop.start();
  }

  private void run() {
    long intervalNanos = check.interval().toNanos();
    while (running) {
      List<Thread> probes = new ArrayList<>();
      for (Upstream upstream : upstreams.all()) {
        if (upstream.status != EndpointStatus.DRAINING) {
          probes.add(Thread.ofVirtual().start(() -> probeAndUpdate(upstream, intervalNanos)));
        }
      }
      try {
        for (Thread probe : probes) {
          probe.join();
        }
        Thread.sleep(check.interval());
      } catch (InterruptedException e) {
        return; // close() interrupts the loop
      }
    }
  }

  private void probeAndUpdate(Upstream upstream, long intervalNanos) {
    boolean healthy = probe(upstream.endpoint());
    if (!healthy) {
      upstreams.eject(upstream);
    } else if (upstream.status == EndpointStatus.EJECTED
        && System.nanoTime() - upstream.ejectedAtNanos >= intervalNanos) {
      upstreams.readmit(upstream);
    }
  }

  /** One probe; true when the endpoint is healthy. */
  boolean probe(Endpoint endpoint) {
    if (check.kind() == HealthCheck.Kind.NONE) {
      return true;
    }
    int timeoutMillis = (int) check.timeout().toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(endpoint.socketAddress(), timeoutMillis);
      if (check.kind() == HealthCheck.Kind.TCP) {
        return true;
      }
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      String request =
          "GET "
              + check.path()
              + " HTTP/1.1\r\nHost: "
              + endpoint.authority()
              + "\r\nUser-Agent: brume-health-check\r\nConnection: close\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] statusLine = in.readNBytes(12);
      if (statusLine.length < 12) {
        return false;
      }
      String text = new String(statusLine, StandardCharsets.ISO_8859_1);
      return text.startsWith("HTTP/1.") && (text.charAt(9) == '2' || text.charAt(9) == '3');
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    loop.interrupt();
  }
}
