import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.objectweb.asm.ClassReader;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Build step (run by the pom after quarkus:build, with ASM on the class path): writes {@code
 * cli-run.jar} beside {@code quarkus-run.jar}, the same manifest with a Class-Path of only the jars
 * the plain CLI commands can reach.
 *
 * <p>Why: any ServiceLoader, or any lookup of a resource that is not there, through the JDK's class
 * loader opens every jar of the class path (open, central directory, manifest). JBoss LogManager
 * does three at its start, JDK 25's System.LoggerFinder one at the first process start, Quarkus'
 * entry point one for its own class file; with ~180 jars that was ~20 ms of a 0.28 s {@code mrt
 * run}. None of them can be turned off.
 *
 * <p>Which jars: every jar holding a class reachable from the roots, where a class reaches every
 * type its constant pool names (class entries and every descriptor or signature, so also types only
 * checked by the verifier or named in annotations), except through the cut classes (the server
 * commands). That over-approximates what can ever load, which is the safe side. The jars of
 * lib/boot, the Quarkus-generated ones and the application's are always kept: Quarkus and SmallRye
 * load generated classes by name.
 *
 * <p>Usage: java -cp asm.jar src/build/CliClassPath.java APP_DIR ROOTS CUTS (comma-separated
 * class names)
 */
public final class CliClassPath {
  private static final Pattern REFERENCE = Pattern.compile("L([\\w/$]+)[;<]");

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: CliClassPath APP_DIR ROOTS CUTS");
      System.exit(2);
    }
    Path app = Path.of(args[0]);
    Manifest manifest;
    try (JarFile runner = new JarFile(app.resolve("quarkus-run.jar").toFile())) {
      manifest = new Manifest(runner.getManifest());
    }
    List<String> classPath =
        List.of(manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH).split(" "));
    Set<String> kept = reachableJars(app, classPath, internalNames(args[1]), internalNames(args[2]));
    closeOverDependencies(app, classPath, kept);
    List<String> cli = new ArrayList<>();
    for (String jar : classPath) {
      if (kept.contains(jar) || !jar.startsWith("lib/main/")) {
        cli.add(jar);
      }
    }
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", cli));
    Path tmp = app.resolve("cli-run.jar.tmp");
    try (OutputStream file = Files.newOutputStream(tmp);
        JarOutputStream jar = new JarOutputStream(file, manifest)) {
      // The manifest is all it holds.
    }
    Files.move(tmp, app.resolve("cli-run.jar"), StandardCopyOption.REPLACE_EXISTING);
    System.out.println("cli-class-path: " + cli.size() + " of " + classPath.size() + " jars");
  }

  /** The jars of the class path that hold a class reachable from {@code roots}. */
  private static Set<String> reachableJars(
      Path app, List<String> classPath, Set<String> roots, Set<String> cuts) throws IOException {
    Map<String, ZipFile> jars = new HashMap<>(); // open once: the walk reads ~2,700 classes
    Map<String, String> jarOf = new HashMap<>(); // internal class name -> first jar holding it
    try {
      for (String jar : classPath) {
        ZipFile zip = new ZipFile(app.resolve(jar).toFile());
        jars.put(jar, zip);
        zip.stream()
            .map(ZipEntry::getName)
            .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
            .forEach(n -> jarOf.putIfAbsent(n.substring(0, n.length() - 6), jar));
      }
      Set<String> reached = new HashSet<>();
      Set<String> kept = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(roots);
      while (!todo.isEmpty()) {
        String name = todo.pop();
        String jar = jarOf.get(name);
        if (jar == null || cuts.contains(name) || !reached.add(name)) {
          continue; // the JDK's, not on the class path, cut, or seen
        }
        kept.add(jar);
        todo.addAll(referencedBy(jars.get(jar), name));
      }
      return kept;
    } finally {
      for (ZipFile zip : jars.values()) {
        zip.close();
      }
    }
  }

  /**
   * Adds, until nothing changes, the jars a kept jar declares as its own dependencies (compile or
   * runtime, not optional) in the pom.xml it carries: libraries load parts of their dependencies by
   * name (jline-terminal its native half), which the constant pools do not show.
   */
  private static void closeOverDependencies(Path app, List<String> classPath, Set<String> kept)
      throws IOException {
    Deque<String> todo = new ArrayDeque<>(kept);
    while (!todo.isEmpty()) {
      for (String artifact : declaredDependencies(app.resolve(todo.pop()))) {
        for (String jar : classPath) {
          // Quarkus names them lib/main/GROUP.ARTIFACT-VERSION.jar.
          String file = jar.substring(jar.lastIndexOf('/') + 1);
          if (file.matches(".*\\." + Pattern.quote(artifact) + "-\\d.*\\.jar") && kept.add(jar)) {
            todo.add(jar);
          }
        }
      }
    }
  }

  /** The artifactIds of the compile and runtime dependencies in a jar's META-INF/maven poms. */
  private static List<String> declaredDependencies(Path jar) throws IOException {
    List<String> artifacts = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : zip.stream().toList()) {
        if (!e.getName().startsWith("META-INF/maven/") || !e.getName().endsWith("/pom.xml")) {
          continue;
        }
        try (InputStream in = zip.getInputStream(e)) {
          Element project =
              DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement();
          for (Element deps : children(project, "dependencies")) {
            for (Element dep : children(deps, "dependency")) {
              String scope = text(dep, "scope", "compile");
              if ((scope.equals("compile") || scope.equals("runtime"))
                  && !text(dep, "optional", "false").equals("true")) {
                artifacts.add(text(dep, "artifactId", ""));
              }
            }
          }
        } catch (ParserConfigurationException | SAXException bad) {
          throw new IOException(jar + "!/" + e.getName() + ": " + bad.getMessage(), bad);
        }
      }
    }
    return artifacts;
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(tag)) {
        found.add(e);
      }
    }
    return found;
  }

  private static String text(Element parent, String tag, String otherwise) {
    List<Element> found = children(parent, tag);
    return found.isEmpty() ? otherwise : found.get(0).getTextContent().strip();
  }

  private static Set<String> internalNames(String commaSeparated) {
    Set<String> names = new LinkedHashSet<>();
    for (String n : commaSeparated.split(",")) {
      if (!n.isBlank()) {
        names.add(n.strip().replace('.', '/'));
      }
    }
    return names;
  }

  /** Every class named in the constant pool of {@code name}'s class file. */
  private static Set<String> referencedBy(ZipFile jar, String name) throws IOException {
    ClassReader reader;
    try (InputStream in = jar.getInputStream(jar.getEntry(name + ".class"))) {
      reader = new ClassReader(in);
    }
    Set<String> names = new HashSet<>();
    char[] buffer = new char[reader.getMaxStringLength()];
    for (int i = 1; i < reader.getItemCount(); i++) {
      int offset = reader.getItem(i);
      if (offset == 0) {
        continue; // the second slot of a long or double
      }
      int tag = reader.readByte(offset - 1);
      if (tag == 7) { // CONSTANT_Class: a name, or an array descriptor
        String s = reader.readUTF8(offset, buffer);
        if (s.startsWith("[")) {
          addReferences(s, names);
        } else {
          names.add(s);
        }
      } else if (tag == 1) { // CONSTANT_Utf8: descriptors, signatures, annotation types
        byte[] utf8 = new byte[reader.readUnsignedShort(offset)];
        for (int j = 0; j < utf8.length; j++) {
          utf8[j] = (byte) reader.readByte(offset + 2 + j);
        }
        addReferences(new String(utf8, StandardCharsets.UTF_8), names);
      }
    }
    names.remove(name);
    return names;
  }

  private static void addReferences(String descriptor, Set<String> names) {
    Matcher m = REFERENCE.matcher(descriptor);
    while (m.find()) {
      names.add(m.group(1));
    }
  }
}
