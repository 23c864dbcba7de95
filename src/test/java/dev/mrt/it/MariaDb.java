package dev.mrt.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt.host.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB for tests, holding the part of Archivematica's MCP database that MCPClient writes:
 * the {@code Tasks} table (and a minimal {@code Jobs} table for its foreign key). It has a data
 * directory, socket and pid file of its own and listens on 127.0.0.1 on a free port, so it neither
 * needs nor disturbs a system MariaDB. Containers on the host network and the rootless test user
 * reach it over TCP. Skips the test (assumption) when MariaDB is missing.
 */
public final class MariaDb implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final String HOST = "127.0.0.1";
  private static final String USER = "archivematica";
  private static final String PASSWORD = "demo-mrt-it";
  private static final String DATABASE = "MCP";

  /** What a Unix socket path may hold (sun_path), with its terminating NUL. */
  private static final int SOCKET_PATH_MAX = 107;

  /** Small buffers: a test database holds a few rows, and CI machines have little memory. */
  private static final List<String> SERVER_OPTIONS =
      List.of(
          "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M",
          "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci");

  // Column types as a Django-made MCP database has them (datetime(6) is Django's MySQL
  // DateTimeField); fileName, arguments, stdOut and stdError are binary in Archivematica.
  private static final String JOBS_DDL =
      """
      CREATE TABLE Jobs (
        jobUUID varchar(36) NOT NULL PRIMARY KEY,
        jobType varchar(250) NOT NULL DEFAULT '',
        createdTime datetime(6) NOT NULL,
        createdTimeDec decimal(26,10) NOT NULL DEFAULT 0,
        directory longtext NOT NULL DEFAULT '',
        SIPUUID varchar(36) NOT NULL,
        unitType varchar(50) NOT NULL DEFAULT '',
        currentStep int NOT NULL DEFAULT 0,
        microserviceGroup varchar(50) NOT NULL DEFAULT '',
        hidden tinyint(1) NOT NULL DEFAULT 0,
        MicroServiceChainLinksPK varchar(36) NULL,
        subJobOf varchar(36) NOT NULL DEFAULT ''
      ) ENGINE=InnoDB""";
  private static final String TASKS_DDL =
      """
      CREATE TABLE Tasks (
        taskUUID varchar(36) NOT NULL PRIMARY KEY,
        jobuuid varchar(36) NOT NULL,
        createdTime datetime(6) NOT NULL,
        fileUUID varchar(36) NULL,
        fileName longblob NOT NULL,
        exec varchar(250) NOT NULL,
        arguments varbinary(1000) NOT NULL,
        startTime datetime(6) NULL,
        endTime datetime(6) NULL,
        client varchar(50) NOT NULL,
        stdOut longblob NOT NULL,
        stdError longblob NOT NULL,
        exitCode bigint NULL,
        KEY Tasks_jobuuid (jobuuid),
        CONSTRAINT Tasks_jobuuid_fk FOREIGN KEY (jobuuid) REFERENCES Jobs (jobUUID)
      ) ENGINE=InnoDB""";

  private final Path dir;
  private final int port;
  // Volatile: the shutdown hook reads it from another thread.
  private volatile Process process;
  private int starts;

  private MariaDb(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * Initialises a fresh data directory under {@code workDir}, starts mariadbd on a free port and
   * creates database {@code MCP}, user {@code archivematica} and the tables.
   */
  public static MariaDb start(Path workDir) {
    assumeTrue(
        Files.isExecutable(Path.of(server())) && Files.isExecutable(Path.of(installer())),
        "MariaDB is not installed (apt-get install mariadb-server)");
    try {
      Files.createDirectories(workDir);
      MariaDb db = new MariaDb(Files.createTempDirectory(workDir, "mariadb-"), freePort());
      if (db.socket().toString().length() > SOCKET_PATH_MAX) {
        throw new IllegalArgumentException(
            "socket path too long for a Unix socket: " + db.socket() + "; use a shorter workDir");
      }
      db.install();
      // A test JVM that dies before close() must not leave a mariadbd behind.
      Runtime.getRuntime().addShutdownHook(new Thread(db::kill, "mariadb-kill"));
      db.launch(true);
      db.createTables();
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  public String database() {
    return DATABASE;
  }

  /** {@code jdbc:mariadb://127.0.0.1:PORT/MCP}. */
  public String jdbcUrl() {
    return "jdbc:mariadb://" + HOST + ":" + port + "/" + DATABASE;
  }

  /** The variables MCPClient's settings read the database from, pointing here. */
  public Map<String, String> archivematicaEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST", HOST);
    env.put("ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT", Integer.toString(port));
    env.put("ARCHIVEMATICA_MCPCLIENT_CLIENT_USER", USER);
    env.put("ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD", PASSWORD);
    env.put("ARCHIVEMATICA_MCPCLIENT_CLIENT_DATABASE", DATABASE);
    return env;
  }

  /** A new connection as {@code archivematica}; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
  }

  /** {@link #insertTasks(String, List, String, String)} for function echoargs_v0.0. */
  public void insertTasks(String jobUuid, List<String> taskUuids) {
    insertTasks(jobUuid, taskUuids, "echoargs_v0.0", "");
  }

  /**
   * Inserts the rows MCPServer writes before it submits a batch (Task.bulk_log): the job (if new),
   * then one task each with createdTime, exec, arguments, fileUUID and fileName set. startTime,
   * endTime and exitCode stay NULL; stdOut, stdError and client are empty, as Django writes a
   * non-null text field that has no value.
   */
  public void insertTasks(String jobUuid, List<String> taskUuids, String exec, String arguments) {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement job =
          c.prepareStatement(
              "INSERT IGNORE INTO Jobs"
                  + " (jobUUID, jobType, createdTime, SIPUUID, unitType, microserviceGroup)"
                  + " VALUES (?, ?, ?, ?, 'unitTransfer', 'Test harness')")) {
        job.setString(1, jobUuid);
        job.setString(2, exec);
        job.setObject(3, now);
        job.setString(4, jobUuid);
        job.executeUpdate();
      }
      try (PreparedStatement task =
          c.prepareStatement(
              "INSERT INTO Tasks (taskUUID, jobuuid,"
                  + " createdTime, fileUUID, fileName, exec, arguments, client, stdOut, stdError)"
                  + " VALUES (?, ?, ?, '', ?, ?, ?, '', '', '')")) {
        for (String uuid : taskUuids) {
          task.setString(1, uuid);
          task.setString(2, jobUuid);
          task.setObject(3, now);
          task.setBytes(4, "harness-test".getBytes(StandardCharsets.UTF_8));
          task.setString(5, exec);
          task.setBytes(6, arguments.getBytes(StandardCharsets.UTF_8));
          task.addBatch();
        }
        task.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot insert tasks: " + e.getMessage(), e);
    }
  }

  /**
   * Every column of a task's row by its name in the table: datetimes as {@link LocalDateTime} (UTC,
   * as Django writes them with USE_TZ), binary columns as UTF-8 strings, exitCode as Long; SQL NULL
   * as null. Null if the row does not exist.
   */
  public Map<String, Object> row(String taskUuid) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement("SELECT * FROM Tasks WHERE taskUUID = ?")) {
      s.setString(1, taskUuid);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), value(rs, i, meta.getColumnType(i)));
        }
        return row;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read task " + taskUuid + ": " + e.getMessage(), e);
    }
  }

  private static Object value(ResultSet rs, int i, int type) throws SQLException {
    Object v =
        switch (type) {
          case Types.TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
          case Types.BIGINT -> rs.getObject(i, Long.class);
          case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
            byte[] b = rs.getBytes(i);
            yield b == null ? null : new String(b, StandardCharsets.UTF_8);
          }
          default -> rs.getObject(i);
        };
    return rs.wasNull() ? null : v;
  }

  /** Stops mariadbd (cleanly, so the data survives) and waits until it is gone. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops and starts again on the same port with the same data. */
  public void restart() {
    stop();
    launch(false);
  }

  /** Kills mariadbd and removes its data directory. */
  @Override
  public void close() {
    kill();
    FileTrees.removeTree(dir);
  }

  private void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private Path dataDir() {
    return dir.resolve("data");
  }

  private Path socket() {
    return dir.resolve("mariadb.sock");
  }

  private void install() {
    Path log = dir.resolve("install.log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                installer(),
                "--no-defaults",
                "--datadir=" + dataDir(),
                "--skip-test-db",
                "--auth-root-authentication-method=normal"));
    cmd.addAll(SERVER_OPTIONS);
    if (MrtCli.isRoot()) {
      cmd.add("--user=root");
    }
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("mariadb-install-db did not end in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("mariadb-install-db failed:\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts mariadbd; the first start also creates the database and its user (--init-file). */
  private void launch(boolean first) {
    String base = "mariadbd-" + (++starts);
    Path out = dir.resolve(base + ".out");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                server(),
                "--no-defaults",
                "--datadir=" + dataDir(),
                "--socket=" + socket(),
                "--pid-file=" + dir.resolve("mariadb.pid"),
                "--log-error=" + dir.resolve(base + ".log"),
                "--tmpdir=" + dir,
                "--bind-address=" + HOST,
                "--port=" + port,
                "--skip-networking=0",
                // Clients come as 127.0.0.1 (IP grants only), and no DNS look-up can stall a
                // connect.
                "--skip-name-resolve"));
    cmd.addAll(SERVER_OPTIONS);
    if (MrtCli.isRoot()) {
      // mariadbd refuses to run as root unless told; the rootless user only uses TCP.
      cmd.add("--user=root");
    }
    try {
      if (first) {
        Path init = dir.resolve("init.sql");
        Files.writeString(
            init,
            "CREATE DATABASE IF NOT EXISTS "
                + DATABASE
                + ";\n"
                + "CREATE USER IF NOT EXISTS '"
                + USER
                + "'@'"
                + HOST
                + "' IDENTIFIED BY '"
                + PASSWORD
                + "';\n"
                + "GRANT ALL ON "
                + DATABASE
                + ".* TO '"
                + USER
                + "'@'"
                + HOST
                + "';\n");
        cmd.add("--init-file=" + init);
      }
      process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      SQLException last = null;
      while (System.nanoTime() < deadline) {
        try (Connection c = connect()) {
          return;
        } catch (SQLException notYet) {
          last = notYet;
          if (!process.isAlive()) {
            throw new IllegalStateException(
                "mariadbd exited:\n"
                    + Files.readString(out)
                    + readIfExists(dir.resolve(base + ".log")));
          }
          Thread.sleep(100);
        }
      }
      throw new IllegalStateException(
          "mariadbd did not accept connections on "
              + HOST
              + ":"
              + port
              + " in "
              + START_TIMEOUT
              + ": "
              + (last == null ? "" : last.getMessage())
              + "\n"
              + readIfExists(dir.resolve(base + ".log")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void createTables() {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(JOBS_DDL);
      s.execute(TASKS_DDL);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create tables: " + e.getMessage(), e);
    }
  }

  private static String readIfExists(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static String server() {
    return Files.isExecutable(Path.of("/usr/sbin/mariadbd"))
        ? "/usr/sbin/mariadbd"
        : "/usr/bin/mariadbd";
  }

  private static String installer() {
    return "/usr/bin/mariadb-install-db";
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
