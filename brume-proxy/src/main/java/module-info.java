/** The data plane: user-space proxy and kernel (iptables) services. */
module io.brume.proxy {
  requires static transitive org.jspecify;
  requires transitive io.brume.router;

  exports io.brume.proxy;
}
