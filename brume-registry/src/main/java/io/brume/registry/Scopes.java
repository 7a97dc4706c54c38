package io.brume.registry;

/** Token scopes (distribution token spec) for the operations brume performs. */
final class Scopes {

  private Scopes() {}

  /** Pull access to one repository. */
  static String pull(String repository) {
    return "repository:" + repository + ":pull";
  }

  /** Registry-level requests such as the {@code /v2/} ping need no scope. */
  static final String NONE = "";
}
