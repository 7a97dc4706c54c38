/** The containerd snapshotter plugin (gRPC over a Unix socket) backed by SQLite metadata. */
module io.brume.snapshotter {
  requires static transitive org.jspecify;
  requires transitive io.brume.oci;
  requires transitive io.brume.peer;
  requires transitive io.brume.pull;
  requires transitive io.brume.registry;
  requires io.brume.store;
  requires io.brume.unpack;
  requires com.google.protobuf;
  requires com.google.common; // the generated gRPC stubs use ListenableFuture
  requires io.grpc;
  requires io.grpc.netty;
  requires io.grpc.protobuf;
  requires io.grpc.stub;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.unix.common;
  requires java.sql;

  exports io.brume.snapshotter;
}
