package dev.flarekv.cli;

/**
 * A failure the user can fix (bad flag combination, missing config, invalid input file). Printed as
 * one line without a stack trace; exit code {@link KvExitCodes#FAILURE}.
 */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message, null, false, false);
  }
}
