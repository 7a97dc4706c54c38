package io.brume.cli;

/**
 * A mistake of the user or of their environment (a bad flag value, a file that is not what it
 * should be, a server that is not there): printed as one line, {@code brume CMD: MESSAGE}, without
 * a stack trace. The message says what is wrong and what to do.
 */
final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserException(String message) {
    super(message);
  }

  UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
