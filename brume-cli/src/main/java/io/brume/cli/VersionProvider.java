package io.brume.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest, so that it is written in one place: the POM. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = BrumeCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "brume " + (version == null ? "(development build)" : version),
      "Java "
          + Runtime.version()
          + " on "
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
    };
  }
}
