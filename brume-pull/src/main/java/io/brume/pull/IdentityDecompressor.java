package io.brume.pull;

import java.io.InputStream;

/** Uncompressed layers ({@code application/vnd.oci.image.layer.v1.tar}) pass through unchanged. */
final class IdentityDecompressor implements Decompressor {
  @Override
  public String name() {
    return "none";
  }

  @Override
  public InputStream decompress(InputStream compressed) {
    return compressed;
  }
}
