package io.brume.snapshotter;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server containerd's proxy plugin dials: the Snapshots service on a Unix domain socket,
 * through Netty's native epoll transport (x86-64 and arm64). Calls run on virtual threads, so a
 * Prepare that pulls an image blocks only itself. The socket is owner-only: whoever can talk to it
 * can make the snapshotter mount and delete trees as root.
 */
public final class SnapshotterServer implements AutoCloseable {
  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Path socket;

  private SnapshotterServer(
      Server server, EventLoopGroup boss, EventLoopGroup workers, Path socket) {
    this.server = server;
    this.boss = boss;
    this.workers = workers;
    this.socket = socket;
  }

  /** Starts serving {@code snapshotter} on {@code socket} (a stale socket file is replaced). */
  public static SnapshotterServer start(Snapshotter snapshotter, Path socket) throws IOException {
    if (!Epoll.isAvailable()) {
      throw new IOException(
          "Unix domain sockets need Netty's native epoll transport, which did not load: "
              + Epoll.unavailabilityCause());
    }
    Files.createDirectories(socket.toAbsolutePath().getParent());
    Files.deleteIfExists(socket);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    Server server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            // grpc-netty sets SO_KEEPALIVE on every accepted channel; a Unix socket has no such
            // option and Netty would warn on each connection. A null value removes the option.
            .withChildOption(ChannelOption.SO_KEEPALIVE, null)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .addService(new SnapshotsService(snapshotter))
            .build();
    try {
      server.start();
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    return new SnapshotterServer(server, boss, workers, socket);
  }

  /** Blocks until the server stops. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Files.deleteIfExists(socket);
    }
  }
}
