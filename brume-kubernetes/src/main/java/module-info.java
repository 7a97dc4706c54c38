/** The Kubernetes side: controllers, scheduler extender and placement. */
// Its API takes fabric8's client and model types, so the modules that use it must read fabric8's
// too;
// fabric8 publishes no module names, so those are automatic modules named after their jars.
@SuppressWarnings("requires-transitive-automatic")
module io.brume.kubernetes {
  requires static transitive org.jspecify;
  requires transitive io.brume.coordinate;
  requires io.brume.http;
  requires transitive io.brume.proxy;
  requires io.brume.router;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive kubernetes.client.api;
  requires kubernetes.model.common;
  requires transitive kubernetes.model.core;
  requires kubernetes.model.apps;
  requires transitive kubernetes.model.discovery;
  requires org.slf4j;
  requires jdk.httpserver;

  exports io.brume.kubernetes;
  exports io.brume.kubernetes.extender;

  // NodeCoordinate is (de)serialised by Jackson data binding.
  opens io.brume.kubernetes to
      com.fasterxml.jackson.databind;
}
