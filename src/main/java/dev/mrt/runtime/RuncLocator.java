package dev.mrt.runtime;

import java.nio.file.Path;

/** Where the runc binary to use is; unpacking it first if it is the embedded one. */
public interface RuncLocator {
  Path runc();
}
