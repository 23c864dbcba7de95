package dev.mrt.image;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/** TEMPORARY until the asset cache lands: treats the argument as an unpacked rootfs. */
@ApplicationScoped
public class ImageResolver {
  public PreparedImage resolve(String image) {
    return new PreparedImage(image, "sha256:0", Path.of(image).toAbsolutePath());
  }
}
