package io.brume.unpack;

import java.util.List;

/**
 * The parts of an image config that define the container's process (mapped by the caller from
 * brume-oci's {@code ImageConfig}).
 *
 * @param env {@code NAME=value} pairs
 * @param entrypoint the Entrypoint (may be empty)
 * @param cmd the Cmd (may be empty)
 * @param workingDir the working directory, empty for {@code /}
 * @param user {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}; empty for root
 */
public record ImageProcess(
    List<String> env, List<String> entrypoint, List<String> cmd, String workingDir, String user) {

  /** Copies the lists; nulls become empty. */
  public ImageProcess {
    env = env == null ? List.of() : List.copyOf(env);
    entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
    cmd = cmd == null ? List.of() : List.copyOf(cmd);
    workingDir = workingDir == null ? "" : workingDir;
    user = user == null ? "" : user;
  }
}
