package io.brume.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** cgroup v2 with the controllers container runtimes need to limit CPU, memory and pids. */
public final class CgroupCheck implements Check {
  static final List<String> NEEDED = List.of("cpu", "memory", "pids");
  private static final String CONTROLLERS = "/sys/fs/cgroup/cgroup.controllers";

  @Override
  public String name() {
    return "cgroup v2";
  }

  @Override
  public List<Finding> run(SystemView system) {
    Optional<String> controllers = system.read(CONTROLLERS);
    if (controllers.isEmpty()) {
      return List.of(
          Finding.warn(
              name(),
              "no " + CONTROLLERS + ": the unified cgroup v2 hierarchy is not mounted",
              "boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line",
              "crun, containerd and k3s use cgroup v2 for memory and CPU limits; cgroup v1 is"
                  + " deprecated and loses limits on small nodes"));
    }
    List<String> present = List.of(controllers.get().split("\\s+"));
    List<String> missing = new ArrayList<>();
    for (String controller : NEEDED) {
      if (!present.contains(controller)) {
        missing.add(controller);
      }
    }
    if (missing.isEmpty()) {
      return List.of(Finding.ok(name(), "controllers: " + controllers.get()));
    }
    return List.of(
        Finding.warn(
            name(),
            "cgroup v2 without the " + String.join(", ", missing) + " controller(s)",
            missing.contains("memory")
                ? "add cgroup_enable=memory cgroup_memory=1 to the kernel command line"
                    + " (Raspberry Pi: /boot/firmware/cmdline.txt)"
                : "enable the " + String.join(", ", missing) + " controller(s) in the kernel",
            "without them container memory and CPU limits are silently ignored"));
  }
}
