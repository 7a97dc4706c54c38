package io.brume.unpack;

import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * One object to create in a root: read from a tar header or from a previously extracted layer diff.
 *
 * @param name the cleaned root-relative path
 * @param rawName the name as it appeared in its source, for error messages
 * @param kind what to create
 * @param mode permission bits including setuid, setgid and sticky (07777)
 * @param uid owner
 * @param gid group
 * @param modified modification time
 * @param accessed access time
 * @param linkTarget symlink target (verbatim) or hard-link target (root-relative); empty otherwise
 * @param size content size for files
 * @param devMajor device major number
 * @param devMinor device minor number
 * @param xattrs extended attributes by full name
 */
record Entry(
    String name,
    String rawName,
    EntryKind kind,
    int mode,
    long uid,
    long gid,
    FileTime modified,
    FileTime accessed,
    String linkTarget,
    long size,
    long devMajor,
    long devMinor,
    Map<String, byte[]> xattrs) {}
