package io.brume.unpack;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Resolves an image's {@code User} against the rootfs's own {@code /etc/passwd} and {@code
 * /etc/group}, read inside the rootfs (a symlinked {@code /etc/passwd} is followed only within it),
 * like runc's {@code user.GetExecUser}.
 */
final class UserResolver {
  /** The resolved identity. */
  record ResolvedUser(long uid, long gid, List<Long> additionalGids, Optional<String> home) {}

  private final ScopedRoot rootfs;

  UserResolver(Path rootfs) throws IOException {
    this.rootfs = new ScopedRoot(rootfs);
  }

  ResolvedUser resolve(String user) throws IOException {
    String userPart = user;
    String groupPart = null;
    int colon = user.indexOf(':');
    if (colon >= 0) {
      userPart = user.substring(0, colon);
      groupPart = user.substring(colon + 1);
    }
    List<String[]> passwd = read("etc/passwd");
    String[] account = null;
    long uid;
    if (userPart.isEmpty()) {
      uid = 0;
      account = find(passwd, 2, "0");
    } else if (isNumber(userPart)) {
      uid = Long.parseLong(userPart);
      account = find(passwd, 2, userPart);
    } else {
      account = find(passwd, 0, userPart);
      if (account == null) {
        throw new IOException("user \"" + userPart + "\" not found in the image's /etc/passwd");
      }
      uid = Long.parseLong(account[2]);
    }
    List<String[]> groups = read("etc/group");
    long gid;
    if (groupPart == null || groupPart.isEmpty()) {
      gid = account != null ? Long.parseLong(account[3]) : 0;
    } else if (isNumber(groupPart)) {
      gid = Long.parseLong(groupPart);
    } else {
      String[] group = find(groups, 0, groupPart);
      if (group == null) {
        throw new IOException("group \"" + groupPart + "\" not found in the image's /etc/group");
      }
      gid = Long.parseLong(group[2]);
    }
    List<Long> additional = new ArrayList<>();
    if (account != null && (groupPart == null || groupPart.isEmpty())) {
      for (String[] group : groups) {
        if (group.length > 3 && List.of(group[3].split(",")).contains(account[0])) {
          long member = Long.parseLong(group[2]);
          if (member != gid && !additional.contains(member)) {
            additional.add(member);
          }
        }
      }
    }
    Optional<String> home =
        account != null && account.length > 5 ? Optional.of(account[5]) : Optional.empty();
    return new ResolvedUser(uid, gid, additional, home);
  }

  private List<String[]> read(String relative) throws IOException {
    Path file = rootfs.resolve(relative);
    if (!Files.isRegularFile(file, NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String[]> entries = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split(":", -1);
      if (fields.length >= 3 && isNumber(fields[2])) {
        entries.add(fields);
      }
    }
    return entries;
  }

  private static String @Nullable [] find(List<String[]> entries, int field, String value) {
    for (String[] entry : entries) {
      if (entry.length > field && entry[field].equals(value)) {
        return entry;
      }
    }
    return null;
  }

  private static boolean isNumber(String text) {
    return !text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() < 11;
  }
}
