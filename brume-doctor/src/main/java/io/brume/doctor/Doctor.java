package io.brume.doctor;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the checks, optionally applies their safe fixes, and renders the report. */
public final class Doctor {
  private final List<Check> checks;

  public Doctor(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** Every check, in the order they are printed. */
  public static Doctor standard() {
    return new Doctor(
        List.of(
            new SwappinessCheck(),
            new MemoryCheck(),
            new FlashAlignmentCheck(),
            new CgroupCheck(),
            new DecompressorCheck(),
            new KernelFeatureCheck(),
            new ClockSyncCheck()));
  }

  /**
   * The outcome: findings (after fixes, if any were applied) and what the fixes did or why they
   * failed.
   */
  public record Report(List<Finding> findings, List<String> actions) {
    public Report {
      findings = List.copyOf(findings);
      actions = List.copyOf(actions);
    }

    public long warnings() {
      return findings.stream().filter(f -> f.status() == Status.WARN).count();
    }

    /** 0 when healthy, 1 with warnings. */
    public int exitCode() {
      return warnings() == 0 ? 0 : 1;
    }
  }

  /** Runs every check; with {@code fix}, applies available fixes and re-runs those checks. */
  public Report examine(SystemView system, boolean fix) {
    List<Finding> findings = new ArrayList<>();
    List<String> actions = new ArrayList<>();
    for (Check check : checks) {
      List<Finding> result = check.run(system);
      if (fix && result.stream().anyMatch(f -> f.status() == Status.WARN && f.fix() != null)) {
        for (Finding finding : result) {
          if (finding.status() == Status.WARN && finding.fix() != null) {
            try {
              actions.add("fixed " + finding.check() + ": " + finding.fix().apply(system));
            } catch (IOException e) {
              actions.add("could not fix " + finding.check() + ": " + e + " (run as root?)");
            }
          }
        }
        result = check.run(system);
      }
      findings.addAll(result);
    }
    return new Report(findings, actions);
  }

  /** Prints the report: one line per finding, with the change and the reason under warnings. */
  public static void render(Report report, PrintWriter out) {
    for (Finding f : report.findings()) {
      String status =
          switch (f.status()) {
            case OK -> "ok";
            case WARN -> "WARN";
            case UNKNOWN -> "?";
          };
      out.printf("%-5s %-20s %s%n", status, f.check(), f.summary());
      if (f.status() == Status.WARN) {
        out.printf("      %-20s change: %s%n", "", f.change());
        out.printf("      %-20s why:    %s%n", "", f.why());
        if (f.fix() != null) {
          out.printf("      %-20s (brume doctor --fix can do this)%n", "");
        }
      }
    }
    for (String action : report.actions()) {
      out.println(action);
    }
    out.println(
        report.warnings() == 0
            ? "healthy: " + report.findings().size() + " checks passed or could not tell"
            : report.warnings() + " warning(s)");
    out.flush();
  }
}
