/**
 * The image pull pipeline: peers first, then the registry, streaming into the store and unpacker.
 */
module io.brume.pull {
  requires static transitive org.jspecify;
  requires transitive io.brume.oci;
  requires transitive io.brume.registry;
  requires transitive io.brume.store;
  requires io.brume.unpack;
  requires transitive io.brume.peer;
  requires com.github.luben.zstd_jni;

  exports io.brume.pull;
}
