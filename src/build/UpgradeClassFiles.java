import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step (run by the pom after quarkus:build, with ASM on the class path): rewrites the
 * class files older than Java 6 (version 50) in the jars matching a glob in a directory to Java
 * 8's format (52, with stack map frames), changing no instruction.
 *
 * <p>Why: JDK 25's AOT cache refuses "old" class files ("Skipping ...: Old class has been
 * linked"), and picocli 4.7.7 is compiled for Java 5; every `mrt run` then loaded ~170 picocli
 * classes from the jar and through the old verifier, and our classes that implement its
 * interfaces were refused too. Measured: `mrt run -- true` 285.8 -> 256.0 ms (hyperfine, 20 runs).
 *
 * <p>Usage: java -cp asm.jar src/build/UpgradeClassFiles.java DIR GLOB
 */
public final class UpgradeClassFiles {
  /** The oldest class file version the AOT cache takes: the first with stack map frames. */
  private static final int JAVA_6 = 50;

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: UpgradeClassFiles DIR GLOB");
      System.exit(2);
    }
    int upgraded = 0;
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), args[1])) {
      for (Path jar : jars) {
        int n = upgrade(jar);
        System.out.println("upgrade-class-files: " + jar.getFileName() + ": " + n + " classes");
        upgraded += n;
      }
    }
    if (upgraded == 0) {
      // A rebuild that kept the jar upgraded, or a release that no longer needs this step.
      System.out.println("upgrade-class-files: nothing older than Java 6 in " + args[1]);
    }
  }

  /** Rewrites {@code jar} in place (through a temporary file); returns the classes upgraded. */
  private static int upgrade(Path jar) throws IOException {
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    int upgraded = 0;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()});
        ZipFile in = new ZipFile(jar.toFile());
        OutputStream file = Files.newOutputStream(tmp);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (ZipEntry entry : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(entry).readAllBytes();
        String name = entry.getName();
        boolean isClass = name.endsWith(".class") && !name.startsWith("META-INF/");
        if (isClass && majorVersion(bytes) < JAVA_6) {
          bytes = toJava8(bytes, loader);
          upgraded++;
        }
        ZipEntry copy = new ZipEntry(name);
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    return upgraded;
  }

  private static int majorVersion(byte[] classFile) {
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  private static byte[] toJava8(byte[] classFile, ClassLoader loader) {
    // COMPUTE_FRAMES asks for common superclasses: resolve them among the jar's own classes.
    ClassWriter writer =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
          @Override
          protected ClassLoader getClassLoader() {
            return loader;
          }
        };
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9, writer) {
              @Override
              public void visit(
                  int version,
                  int access,
                  String name,
                  String signature,
                  String superName,
                  String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
              }
            },
            0);
    return writer.toByteArray();
  }
}
