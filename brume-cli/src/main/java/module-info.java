/** The {@code brume} command line: one picocli command per subcommand over the other modules. */
module io.brume.cli {
  requires static transitive org.jspecify;
  requires io.brume.coordinate;
  requires io.brume.dashboard;
  requires io.brume.doctor;
  requires io.brume.emulation;
  requires io.brume.kubernetes;
  requires io.brume.node;
  requires io.brume.oci;
  requires io.brume.peer;
  requires io.brume.proxy;
  requires io.brume.pull;
  requires io.brume.registry;
  requires io.brume.router;
  requires io.brume.snapshotter;
  requires io.brume.store;
  requires com.fasterxml.jackson.databind;
  requires info.picocli;
  requires kubernetes.client.api;

  // picocli sets the annotated options and parameters by reflection.
  opens io.brume.cli to
      info.picocli;
}
