package io.brume.snapshotter;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.brume.snapshotter.api.CleanupRequest;
import io.brume.snapshotter.api.CommitSnapshotRequest;
import io.brume.snapshotter.api.Info;
import io.brume.snapshotter.api.ListSnapshotsRequest;
import io.brume.snapshotter.api.ListSnapshotsResponse;
import io.brume.snapshotter.api.MountsRequest;
import io.brume.snapshotter.api.MountsResponse;
import io.brume.snapshotter.api.PrepareSnapshotRequest;
import io.brume.snapshotter.api.PrepareSnapshotResponse;
import io.brume.snapshotter.api.RemoveSnapshotRequest;
import io.brume.snapshotter.api.SnapshotsGrpc;
import io.brume.snapshotter.api.StatSnapshotRequest;
import io.brume.snapshotter.api.StatSnapshotResponse;
import io.brume.snapshotter.api.UpdateSnapshotRequest;
import io.brume.snapshotter.api.UpdateSnapshotResponse;
import io.brume.snapshotter.api.UsageRequest;
import io.brume.snapshotter.api.UsageResponse;
import io.brume.snapshotter.api.ViewSnapshotRequest;
import io.brume.snapshotter.api.ViewSnapshotResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;

/**
 * containerd's {@code containerd.services.snapshots.v1.Snapshots} service over a {@link
 * Snapshotter}: translates messages, and errors to the gRPC codes containerd's errdefs map back
 * (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT; anything else UNKNOWN with its
 * message).
 */
final class SnapshotsService extends SnapshotsGrpc.SnapshotsImplBase {
  private static final System.Logger LOG = System.getLogger(SnapshotsService.class.getName());

  /** containerd sends List results in pages; its own proxy server uses 100 per message. */
  private static final int PAGE = 100;

  private final Snapshotter snapshotter;

  SnapshotsService(Snapshotter snapshotter) {
    this.snapshotter = snapshotter;
  }

  /** One call's work, which may fail with any of the snapshotter's exceptions. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> void answer(String what, StreamObserver<T> observer, Call<T> call) {
    T response;
    try {
      response = call.run();
    } catch (SnapshotException e) {
      observer.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      observer.onError(Status.CANCELLED.withDescription(what + ": interrupted").asException());
      return;
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, what + " failed", e);
      observer.onError(
          Status.UNKNOWN.withDescription(what + ": " + e.getMessage()).asRuntimeException());
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  private static Status status(SnapshotException e) {
    return switch (e.reason()) {
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
    };
  }

  @Override
  public void prepare(
      PrepareSnapshotRequest request, StreamObserver<PrepareSnapshotResponse> observer) {
    answer(
        "prepare " + request.getKey(),
        observer,
        () ->
            PrepareSnapshotResponse.newBuilder()
                .addAllMounts(
                    toProto(
                        snapshotter.prepare(
                            request.getKey(), request.getParent(), request.getLabelsMap())))
                .build());
  }

  @Override
  public void view(ViewSnapshotRequest request, StreamObserver<ViewSnapshotResponse> observer) {
    answer(
        "view " + request.getKey(),
        observer,
        () ->
            ViewSnapshotResponse.newBuilder()
                .addAllMounts(
                    toProto(
                        snapshotter.view(
                            request.getKey(), request.getParent(), request.getLabelsMap())))
                .build());
  }

  @Override
  public void mounts(MountsRequest request, StreamObserver<MountsResponse> observer) {
    answer(
        "mounts " + request.getKey(),
        observer,
        () ->
            MountsResponse.newBuilder()
                .addAllMounts(toProto(snapshotter.mounts(request.getKey())))
                .build());
  }

  @Override
  public void commit(CommitSnapshotRequest request, StreamObserver<Empty> observer) {
    answer(
        "commit " + request.getKey(),
        observer,
        () -> {
          snapshotter.commit(request.getName(), request.getKey(), request.getLabelsMap());
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void remove(RemoveSnapshotRequest request, StreamObserver<Empty> observer) {
    answer(
        "remove " + request.getKey(),
        observer,
        () -> {
          snapshotter.remove(request.getKey());
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void stat(StatSnapshotRequest request, StreamObserver<StatSnapshotResponse> observer) {
    answer(
        "stat " + request.getKey(),
        observer,
        () ->
            StatSnapshotResponse.newBuilder()
                .setInfo(toProto(snapshotter.stat(request.getKey())))
                .build());
  }

  @Override
  public void update(
      UpdateSnapshotRequest request, StreamObserver<UpdateSnapshotResponse> observer) {
    answer(
        "update " + request.getInfo().getName(),
        observer,
        () ->
            UpdateSnapshotResponse.newBuilder()
                .setInfo(
                    toProto(
                        snapshotter.update(
                            fromProto(request.getInfo()), request.getUpdateMask().getPathsList())))
                .build());
  }

  @Override
  public void list(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> observer) {
    List<SnapshotInfo> all;
    try {
      all = snapshotter.list(request.getFiltersList());
    } catch (SnapshotException e) {
      observer.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "list failed", e);
      observer.onError(Status.UNKNOWN.withDescription("list: " + e.getMessage()).asException());
      return;
    }
    for (int from = 0; from < all.size(); from += PAGE) {
      ListSnapshotsResponse.Builder page = ListSnapshotsResponse.newBuilder();
      for (SnapshotInfo info : all.subList(from, Math.min(all.size(), from + PAGE))) {
        page.addInfo(toProto(info));
      }
      observer.onNext(page.build());
    }
    observer.onCompleted();
  }

  @Override
  public void usage(UsageRequest request, StreamObserver<UsageResponse> observer) {
    answer(
        "usage " + request.getKey(),
        observer,
        () -> {
          Snapshotter.Usage usage = snapshotter.usage(request.getKey());
          return UsageResponse.newBuilder().setSize(usage.size()).setInodes(usage.inodes()).build();
        });
  }

  @Override
  public void cleanup(CleanupRequest request, StreamObserver<Empty> observer) {
    answer(
        "cleanup",
        observer,
        () -> {
          snapshotter.cleanup();
          return Empty.getDefaultInstance();
        });
  }

  private static List<io.brume.snapshotter.api.types.Mount> toProto(List<Mount> mounts) {
    return mounts.stream()
        .map(
            m ->
                io.brume.snapshotter.api.types.Mount.newBuilder()
                    .setType(m.type())
                    .setSource(m.source())
                    .addAllOptions(m.options())
                    .build())
        .toList();
  }

  private static Info toProto(SnapshotInfo info) {
    return Info.newBuilder()
        .setName(info.name())
        .setParent(info.parent())
        .setKind(io.brume.snapshotter.api.Kind.forNumber(info.kind().number()))
        .setCreatedAt(timestamp(info.created()))
        .setUpdatedAt(timestamp(info.updated()))
        .putAllLabels(info.labels())
        .build();
  }

  private static SnapshotInfo fromProto(Info info) {
    Kind kind =
        info.getKindValue() == 0 ? Kind.ACTIVE : Kind.ofNumber(info.getKindValue()); // unused
    return new SnapshotInfo(
        info.getName(), info.getParent(), kind, Instant.EPOCH, Instant.EPOCH, info.getLabelsMap());
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
