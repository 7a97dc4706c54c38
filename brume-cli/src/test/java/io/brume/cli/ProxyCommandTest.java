package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProxyCommandTest {

  @Test
  void proxiesToTheGivenEndpointForTheGivenDuration() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // a free port for the proxy to listen on
    }
    try (ServerSocket backend = new ServerSocket(0)) {
      CommandLine commandLine = Main.commandLine();
      StringWriter out = new StringWriter();
      commandLine.setOut(new PrintWriter(out));
      Thread command =
          Thread.ofVirtual()
              .start(
                  () ->
                      commandLine.execute(
                          "proxy",
                          "--mode",
                          "tcp",
                          "--listen",
                          "127.0.0.1:" + port,
                          "--endpoints",
                          "b=127.0.0.1:" + backend.getLocalPort(),
                          "--duration",
                          "3"));
      org.awaitility.Awaitility.await().until(() -> out.toString().contains("TCP on"));
      try (Socket client = new Socket("127.0.0.1", port)) {
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        // The proxy's TCP health checks connect too (and send nothing): find the relayed client.
        String received = "";
        for (int i = 0; i < 10 && received.isEmpty(); i++) {
          try (Socket accepted = backend.accept()) {
            received =
                new String(accepted.getInputStream().readNBytes(4), StandardCharsets.US_ASCII);
          }
        }
        assertThat(received).isEqualTo("ping");
      }
      command.join();
      assertThat(out.toString()).contains("policy round-robin, endpoints [b]");
    }
  }

  @Test
  void unknownPolicyFailsNamingTheValidOnes() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));

    int exit =
        commandLine.execute(
            "proxy", "--listen", "127.0.0.1:0", "--endpoints", "127.0.0.1:1", "--policy", "magic");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("magic").contains("proximity-alpha");
  }

  @Test
  void unknownIoModeFailsNamingTheValidOnes() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));

    int exit =
        commandLine.execute(
            "proxy", "--listen", "127.0.0.1:0", "--endpoints", "127.0.0.1:1", "--io", "epoll");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("'epoll'").contains("event-loop or threads");
  }
}
