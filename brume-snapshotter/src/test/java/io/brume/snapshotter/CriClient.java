package io.brume.snapshotter;

import io.brume.snapshotter.cri.AuthConfig;
import io.brume.snapshotter.cri.ImageServiceGrpc;
import io.brume.snapshotter.cri.ImageSpec;
import io.brume.snapshotter.cri.PullImageRequest;
import io.brume.snapshotter.cri.RemoveImageRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What kubelet does to pull and remove images: CRI {@code runtime.v1.ImageService} over gRPC. */
final class CriClient implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final ManagedChannel channel;
  private final ImageServiceGrpc.ImageServiceBlockingStub images;

  CriClient(Path socket) {
    channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(group)
            .overrideAuthority("localhost")
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
    images = ImageServiceGrpc.newBlockingStub(channel);
  }

  /** PullImage; returns the image ref (its config digest) containerd answers. */
  String pull(String image) {
    return pull(image, null, null);
  }

  /** PullImage with the credentials kubelet takes from an imagePullSecret. */
  String pull(String image, String username, String password) {
    PullImageRequest.Builder request =
        PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
    if (username != null) {
      request.setAuth(AuthConfig.newBuilder().setUsername(username).setPassword(password));
    }
    return images.withDeadlineAfter(5, TimeUnit.MINUTES).pullImage(request.build()).getImageRef();
  }

  void remove(String image) {
    images
        .withDeadlineAfter(2, TimeUnit.MINUTES)
        .removeImage(
            RemoveImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image))
                .build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
