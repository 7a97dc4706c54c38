package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.snapshotter.api.ListSnapshotsRequest;
import io.brume.snapshotter.api.SnapshotsGrpc;
import io.brume.snapshotter.api.StatSnapshotRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brume snapshotter} in the JVM the launcher gives it: nothing on stderr but its own line
 * once containerd talks to it (JDK 25 warns when protobuf-java calls sun.misc.Unsafe), and every
 * deployment (the image's flags plus the containerd DaemonSet's) runs it with the same options.
 */
class SnapshotterJvmTest {
  private static final String ALLOW = "--sun-misc-unsafe-memory-access=allow";

  @TempDir Path dir;

  @Test
  void withTheLaunchersOptionsStderrHasNoUnsafeWarning() throws Exception {
    String output = serveOneCall(Launcher.jvmOptions("snapshotter"));

    assertThat(output).contains("brume snapshotter serving").doesNotContain("WARNING");
  }

  /**
   * The control: the gRPC call above does reach protobuf's use of sun.misc.Unsafe. When a
   * protobuf-java release stops using it, this fails: then the launcher's {@value #ALLOW} can go.
   */
  @Test
  void withoutAllowProtobufsUnsafeUseIsWarnedAbout() throws Exception {
    List<String> options = new ArrayList<>(Launcher.jvmOptions("snapshotter"));
    assertThat(options.remove(ALLOW)).isTrue();

    String output = serveOneCall(options);

    assertThat(output).contains("sun.misc.Unsafe").contains("com.google.protobuf");
  }

  @Test
  void theContainerdDaemonSetRunsItWithTheLaunchersOptions() throws IOException {
    Set<String> deployed = new HashSet<>();
    Matcher flags =
        Pattern.compile("<jvmFlag>([^<]+)</jvmFlag>")
            .matcher(Files.readString(Path.of("..", "brume-image", "pom.xml")));
    while (flags.find()) {
      deployed.add(flags.group(1));
    }
    Matcher env =
        Pattern.compile("name: JAVA_TOOL_OPTIONS\\s+value: \"([^\"]*)\"")
            .matcher(Files.readString(Path.of("..", "deploy", "containerd", "daemonset.yaml")));
    assertThat(env.find()).as("JAVA_TOOL_OPTIONS in deploy/containerd/daemonset.yaml").isTrue();
    deployed.addAll(List.of(env.group(1).trim().split("\\s+")));

    assertThat(deployed).containsAll(Launcher.jvmOptions("snapshotter"));
  }

  /**
   * Starts the snapshotter, makes containerd's first calls (List, a Stat), stops it: its output.
   */
  private String serveOneCall(List<String> jvmOptions) throws Exception {
    Path socket = dir.resolve("s.sock");
    Path log = dir.resolve("out.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "snapshotter",
            "--socket",
            socket.toString(),
            "--root",
            dir.resolve("root").toString()));
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      Awaitility.await("the snapshotter's socket")
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(socket) || !child.isAlive());
      assertThat(child.isAlive()).as("snapshotter output: %s", Files.readString(log)).isTrue();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .channelType(EpollDomainSocketChannel.class)
              .eventLoopGroup(group)
              .overrideAuthority("localhost")
              .usePlaintext()
              .build();
      try {
        SnapshotsGrpc.SnapshotsBlockingStub snapshots = SnapshotsGrpc.newBlockingStub(channel);
        snapshots
            .list(ListSnapshotsRequest.newBuilder().setSnapshotter("brume").build())
            .forEachRemaining(r -> {});
        try {
          snapshots.stat(
              StatSnapshotRequest.newBuilder().setSnapshotter("brume").setKey("none").build());
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      child.destroy();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
