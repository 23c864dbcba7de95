package dev.mrt;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says what an I/O failure was in words: the JDK's file exceptions carry only the path as their
 * message, which tells a user nothing about what went wrong.
 */
public final class IoErrors {
  private IoErrors() {}

  public static String describe(IOException e) {
    String what;
    if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (e instanceof NotDirectoryException) {
      what = "not a directory";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "already exists";
    } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
      what = fse.getReason();
    } else {
      return String.valueOf(e.getMessage());
    }
    return e instanceof FileSystemException fse && fse.getFile() != null
        ? fse.getFile() + ": " + what
        : what;
  }
}
