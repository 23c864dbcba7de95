package dev.mrt.image;

/** Observes registry pulls (metrics). Must be quick and must not throw. */
public interface ImagePullListener {
  /** A pull of {@code reference} finished, having transferred {@code bytes} from the registry. */
  void pulled(String reference, long bytes);
}
