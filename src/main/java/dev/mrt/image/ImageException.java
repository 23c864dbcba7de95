package dev.mrt.image;

import dev.mrt.MrtException;

/** An image that cannot be used as named: missing, unreadable, not a root filesystem. */
public class ImageException extends MrtException {
  public ImageException(String message) {
    super(message);
  }

  public ImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
