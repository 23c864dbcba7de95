package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.bundle.oci.Linux;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Process;
import dev.mrt.bundle.oci.Spec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
  private final Spec good = SpecFixtures.rootless(ContainerRequest.of("true"));

  private static InvalidSpecException invalid(Spec spec) {
    return assertThrows(InvalidSpecException.class, () -> SpecValidator.validate(spec));
  }

  // --- command / cwd ---

  @Test
  void testValidate_relativeCwd() {
    Process p = good.process();
    Spec bad =
        good.withProcess(
            new Process(false, p.user(), p.args(), p.env(), "work", p.capabilities(), true));
    InvalidSpecException e = invalid(bad);
    assertEquals("cwd", e.check());
    assertEquals(
        "invalid container spec (cwd): working directory 'work' must be an absolute path",
        e.getMessage());
  }

  @Test
  void testValidate_emptyCommand() {
    Process p = good.process();
    Spec bad =
        good.withProcess(
            new Process(false, p.user(), List.of(""), p.env(), "/", p.capabilities(), true));
    assertEquals("command", invalid(bad).check());
  }

  // --- mounts ---

  @Test
  void testValidate_relativeMountDestination() {
    List<Mount> mounts = new ArrayList<>(good.mounts());
    mounts.add(new Mount("data", "bind", "/srv", List.of("rbind")));
    assertEquals("mounts", invalid(good.withMounts(mounts)).check());
  }

  @Test
  void testValidate_mountOverRoot() {
    List<Mount> mounts = new ArrayList<>(good.mounts());
    mounts.add(new Mount("/", "bind", "/srv", List.of("rbind")));
    assertEquals(
        "invalid container spec (mounts): cannot mount over the container's root '/'",
        invalid(good.withMounts(mounts)).getMessage());
  }

  // --- rootless ---

  @Test
  void testValidate_rootlessWithoutMappings() {
    Linux l = good.linux();
    assertEquals(
        "rootless", invalid(good.withLinux(l.withIdMappings(List.of(), List.of()))).check());
  }

  @Test
  void testValidate_rootlessWithGidOption() {
    List<Mount> mounts = new ArrayList<>(good.mounts());
    mounts.add(new Mount("/dev/pts2", "devpts", "devpts", List.of("gid=5")));
    assertEquals("rootless", invalid(good.withMounts(mounts)).check());
  }

  @Test
  void testValidate_rootlessWithCgroupMount() {
    List<Mount> mounts = new ArrayList<>(good.mounts());
    mounts.add(new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("ro")));
    assertEquals("rootless", invalid(good.withMounts(mounts)).check());
  }

  @Test
  void testValidate_rootfulWithCgroupMountPasses() {
    Spec rootful = SpecFixtures.rootful(ContainerRequest.of("true"));
    assertEquals(rootful, SpecValidator.validate(rootful));
  }
}
