package io.brume.doctor;

import java.util.List;
import java.util.Optional;

/**
 * Clock synchronisation: TLS to registries fails and latency measurements go wrong when clocks
 * drift. systemd-timesyncd marks sync with {@code /run/systemd/timesync/synchronized}; otherwise
 * {@code timedatectl} reports NTPSynchronized (which covers chrony and ntpd through adjtimex).
 */
public final class ClockSyncCheck implements Check {
  static final String TIMESYNCD_FLAG = "/run/systemd/timesync/synchronized";

  @Override
  public String name() {
    return "clock sync";
  }

  @Override
  public List<Finding> run(SystemView system) {
    if (system.exists(TIMESYNCD_FLAG)) {
      return List.of(Finding.ok(name(), "systemd-timesyncd synchronized"));
    }
    Optional<String> synced =
        system.which("timedatectl").isEmpty()
            ? Optional.empty()
            : system.run(List.of("timedatectl", "show", "-p", "NTPSynchronized", "--value"));
    if (synced.isEmpty()) {
      return List.of(
          Finding.unknown(
              name(), "cannot tell: no " + TIMESYNCD_FLAG + " and timedatectl did not answer"));
    }
    if (synced.get().trim().equals("yes")) {
      return List.of(Finding.ok(name(), "timedatectl: NTPSynchronized=yes"));
    }
    return List.of(
        Finding.warn(
            name(),
            "timedatectl: NTPSynchronized=" + synced.get().trim(),
            "enable time sync: timedatectl set-ntp true (or install chrony)",
            "small nodes often lack a real-time clock; a wrong clock breaks TLS to registries and"
                + " skews latency measurements"));
  }
}
