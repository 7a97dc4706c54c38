package io.brume.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * Tells a user's mistake from a bug, and says either in one line: what every command prints when it
 * fails (see {@link Main#commandLine()}).
 */
final class Errors {
  private Errors() {}

  /**
   * True for failures caused by input or environment: bad values ({@link IllegalArgumentException},
   * which every library uses to reject its input), files ({@link FileSystemException}), the network
   * and servers (any other {@link IOException}). Everything else is a bug and gets its stack trace.
   */
  static boolean isUserError(Throwable e) {
    Throwable t = unwrap(e);
    return t instanceof UserException
        || t instanceof IllegalArgumentException
        || t instanceof IOException
        || t instanceof ReadOnlyFileSystemException
        || t instanceof InterruptedException
        || t.getClass().getName().startsWith("io.fabric8.kubernetes.client.");
  }

  /** One line saying what went wrong, naming the file, value or server involved. */
  static String describe(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof FileSystemException f) {
      return file(f);
    }
    if (t instanceof ReadOnlyFileSystemException) {
      return "read-only file system";
    }
    if (t instanceof InterruptedException) {
      return "interrupted";
    }
    if (t instanceof java.nio.charset.CharacterCodingException) {
      // MalformedInputException's message is only "Input length = 1".
      return "a file that should be UTF-8 text is not (binary content?)";
    }
    if (t instanceof java.net.UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException) {
      return t.getMessage() == null
          ? "cannot connect"
          : "cannot connect: " + t.getMessage().toLowerCase(java.util.Locale.ROOT);
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    // Some libraries put a whole report in the message; the first line is the statement.
    return message.strip().lines().findFirst().orElse(message);
  }

  /** A file error in words: {@code NoSuchFileException}'s message is only the path. */
  private static String file(FileSystemException f) {
    String what =
        f.getReason() != null
            ? f.getReason()
            : f instanceof NoSuchFileException
                ? "no such file or directory"
                : f instanceof AccessDeniedException
                    ? "permission denied"
                    : f instanceof NotDirectoryException
                        ? "not a directory"
                        : f instanceof FileAlreadyExistsException
                            ? "already exists"
                            : f instanceof DirectoryNotEmptyException
                                ? "directory not empty"
                                : f.getClass().getSimpleName();
    String file = f.getFile() == null ? "" : f.getFile();
    String other = f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
    return file.isEmpty() ? what : file + other + ": " + what;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof UncheckedIOException
            || t instanceof java.util.concurrent.ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
