/** The web dashboard: a JSON API over a fog snapshot and its static page. */
module io.brume.dashboard {
  requires static transitive org.jspecify;
  requires io.brume.http;
  requires transitive com.fasterxml.jackson.databind;
  requires jdk.httpserver;

  exports io.brume.dashboard;
}
