package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RuncErrorsTest {
  @Test
  void testHint_userNamespaceRefused() {
    String e = "nsexec-1[123]: failed to unshare remaining namespaces: Operation not permitted";
    assertTrue(RuncErrors.hint(e).contains("mrt doctor"), RuncErrors.hint(e));
    assertTrue(RuncErrors.hint(e).contains("user namespaces"), RuncErrors.hint(e));
  }

  @Test
  void testHint_userNamespaceLimitReached() {
    String e = "nsexec-1[9]: failed to unshare user namespace: No space left on device";
    assertTrue(RuncErrors.hint(e).contains("user.max_user_namespaces"), RuncErrors.hint(e));
  }

  @Test
  void testHint_unknownErrorHasNoHint() {
    assertEquals("", RuncErrors.hint("something odd happened"));
  }
}
