package io.brume.unpack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an OCI runtime bundle: {@code rootfs/} with the layers applied in order and {@code
 * config.json} derived from the image's process settings, with the default mounts, namespaces,
 * masked and read-only paths and capabilities that {@code runc spec} / {@code crun spec} generate.
 */
public final class BundleWriter {
  /** The PATH Docker and containerd use when the image sets none. */
  static final String DEFAULT_PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> CAPABILITIES =
      List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

  /** One layer as stored: its diff directory and the changes recorded when it was extracted. */
  public record LayerDiff(Path diff, LayerChanges changes) {}

  private final LayerApplier applier;

  /** A writer applying layers with {@code applier}. */
  public BundleWriter(LayerApplier applier) {
    this.applier = applier;
  }

  /** A writer with default extraction limits. */
  public BundleWriter() {
    this(new LayerApplier());
  }

  /**
   * Creates {@code bundle} (absent or empty), applies {@code layers} base first into {@code
   * bundle/rootfs} and writes {@code bundle/config.json}.
   *
   * @return one report per layer
   */
  public List<ExtractionReport> write(Path bundle, List<LayerDiff> layers, ImageProcess process)
      throws IOException {
    Path rootfs = createRootfs(bundle);
    List<ExtractionReport> reports = new ArrayList<>();
    for (LayerDiff layer : layers) {
      reports.add(applier.applyDiff(layer.diff(), layer.changes(), rootfs));
    }
    writeConfig(bundle, process);
    return reports;
  }

  /** Creates {@code bundle} (absent or empty) and an empty {@code rootfs} (0755) inside it. */
  public static Path createRootfs(Path bundle) throws IOException {
    Files.createDirectories(bundle);
    try (var children = Files.list(bundle)) {
      if (children.findAny().isPresent()) {
        throw new FileSystemException(bundle.toString(), null, "bundle directory is not empty");
      }
    }
    Path rootfs = bundle.resolve("rootfs");
    Files.createDirectory(
        rootfs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    return rootfs;
  }

  /** Writes {@code bundle/config.json}; users given by name are resolved in {@code rootfs}. */
  public static void writeConfig(Path bundle, ImageProcess process) throws IOException {
    List<String> args = new ArrayList<>(process.entrypoint());
    args.addAll(process.cmd());
    if (args.isEmpty()) {
      throw new IOException("image defines neither Entrypoint nor Cmd: nothing to run");
    }
    UserResolver.ResolvedUser user =
        new UserResolver(bundle.resolve("rootfs")).resolve(process.user());
    List<String> env = new ArrayList<>(process.env());
    if (env.stream().noneMatch(variable -> variable.startsWith("PATH="))) {
      env.addFirst(DEFAULT_PATH);
    }
    if (env.stream().noneMatch(variable -> variable.startsWith("HOME="))) {
      env.add("HOME=" + user.home().filter(home -> !home.isEmpty()).orElse("/"));
    }

    ObjectNode config = JSON.createObjectNode();
    config.put("ociVersion", "1.0.2");
    ObjectNode processNode = config.putObject("process");
    processNode.put("terminal", false);
    ObjectNode userNode = processNode.putObject("user");
    userNode.put("uid", user.uid());
    userNode.put("gid", user.gid());
    if (!user.additionalGids().isEmpty()) {
      ArrayNode gids = userNode.putArray("additionalGids");
      user.additionalGids().forEach(gids::add);
    }
    strings(processNode.putArray("args"), args);
    strings(processNode.putArray("env"), env);
    processNode.put("cwd", process.workingDir().isEmpty() ? "/" : process.workingDir());
    ObjectNode capabilities = processNode.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
      strings(capabilities.putArray(set), CAPABILITIES);
    }
    ObjectNode nofile = processNode.putArray("rlimits").addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    nofile.put("hard", 1024);
    nofile.put("soft", 1024);
    processNode.put("noNewPrivileges", true);

    ObjectNode root = config.putObject("root");
    root.put("path", "rootfs");
    root.put("readonly", false);
    config.put("hostname", "brume");
    ArrayNode mounts = config.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc");
    mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
    mount(
        mounts,
        "/dev/pts",
        "devpts",
        "devpts",
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620",
        "gid=5");
    mount(
        mounts,
        "/dev/shm",
        "tmpfs",
        "shm",
        "nosuid",
        "noexec",
        "nodev",
        "mode=1777",
        "size=65536k");
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
    mount(
        mounts,
        "/sys/fs/cgroup",
        "cgroup",
        "cgroup",
        "nosuid",
        "noexec",
        "nodev",
        "relatime",
        "ro");

    ObjectNode linux = config.putObject("linux");
    ObjectNode denyDevices = linux.putObject("resources").putArray("devices").addObject();
    denyDevices.put("allow", false);
    denyDevices.put("access", "rwm");
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String namespace : List.of("pid", "network", "ipc", "uts", "mount")) {
      namespaces.addObject().put("type", namespace);
    }
    strings(
        linux.putArray("maskedPaths"),
        List.of(
            "/proc/acpi",
            "/proc/asound",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/sys/firmware",
            "/proc/scsi"));
    strings(
        linux.putArray("readonlyPaths"),
        List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
    Files.write(bundle.resolve("config.json"), JSON.writeValueAsBytes(config));
  }

  private static void mount(
      ArrayNode mounts, String destination, String type, String source, String... options) {
    ObjectNode mount = mounts.addObject();
    mount.put("destination", destination);
    mount.put("type", type);
    mount.put("source", source);
    if (options.length > 0) {
      strings(mount.putArray("options"), List.of(options));
    }
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
