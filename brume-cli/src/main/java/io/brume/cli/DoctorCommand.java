package io.brume.cli;

import io.brume.doctor.Doctor;
import io.brume.doctor.SystemView;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brume doctor [--fix]}: checks this node against the small-node advice. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check this node for brume's small-node advice: swappiness, SD-card alignment, memory and"
          + " swap, cgroup v2, decompressors, kernel features, clock sync.",
      "Read-only unless --fix. Exit status 0 when healthy, 1 with warnings."
    })
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--fix",
      description =
          "Apply the safe fixes (runtime sysctls such as vm.swappiness) and say what was done.")
  boolean fix;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "Examine the system tree under DIR instead of / (a mounted SD card image).")
  @Nullable Path root;

  @Override
  public Integer call() {
    SystemView system = root == null ? SystemView.local() : SystemView.at(root);
    Doctor.Report report = Doctor.standard().examine(system, fix);
    Doctor.render(report, spec.commandLine().getOut());
    return report.exitCode();
  }
}
