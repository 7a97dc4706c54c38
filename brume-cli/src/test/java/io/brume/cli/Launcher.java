package io.brume.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options the {@code brume} launcher script gives a command, read from the script itself so
 * that tests run a child JVM exactly as users do (and follow the script when it changes).
 */
final class Launcher {
  private static final Path SCRIPT = Path.of("..", "brume");
  private static final Pattern OPTIONS = Pattern.compile("jvm_opts\\+?=\\(([^)]*)\\)");

  private Launcher() {}

  /**
   * The options of every command followed by those of {@code command}'s branch of the script's
   * {@code case}, in the script's order.
   */
  static List<String> jvmOptions(String command) {
    List<String> lines;
    try {
      lines = Files.readAllLines(SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the launcher " + SCRIPT.toAbsolutePath(), e);
    }
    List<String> options = new ArrayList<>();
    boolean inCase = false;
    boolean inBranch = false;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("case \"${1:-}\" in")) {
        inCase = true;
        continue;
      }
      if (line.equals("esac")) {
        inCase = false;
        continue;
      }
      if (inCase && line.matches("^[a-z|-]+\\).*")) {
        String patterns = line.substring(0, line.indexOf(')'));
        inBranch = Arrays.asList(patterns.split("\\|")).contains(command);
      }
      Matcher m = OPTIONS.matcher(line);
      if (m.find() && (!inCase || inBranch)) {
        options.addAll(Arrays.asList(m.group(1).trim().split("\\s+")));
      }
    }
    if (options.isEmpty()) {
      throw new IllegalStateException("no jvm_opts found in " + SCRIPT.toAbsolutePath());
    }
    return options;
  }
}
