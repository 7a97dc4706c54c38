/** The small embedded HTTP helper on {@code com.sun.net.httpserver} that the servers share. */
module io.brume.http {
  requires static transitive org.jspecify;
  requires transitive jdk.httpserver;

  exports io.brume.http;
}
