package dev.mrt.archivematica.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL of {@link TaskRows}, against Archivematica's schema (dashboard {@code main.models.Task},
 * table {@code Tasks}). Times are written as Django writes them with {@code USE_TZ}: UTC, without
 * an offset. The output columns are longtext in the migrations (blobs in older schemas): text.
 */
final class TasksTable {
  private static final String FINISH =
      "UPDATE Tasks SET exitCode = ?, endTime = ?,"
          + " stdOut = COALESCE(?, stdOut), stdError = COALESCE(?, stdError) WHERE taskUUID = ?";

  private final DataSource dataSource;

  TasksTable(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * @return the rows changed
   */
  int setStartTimes(Collection<String> taskUuids, Instant at) throws SQLException {
    String sql =
        "UPDATE Tasks SET startTime = ? WHERE taskUUID IN ("
            + String.join(", ", Collections.nCopies(taskUuids.size(), "?"))
            + ")";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, utc(at));
      int i = 2;
      for (String uuid : taskUuids) {
        s.setString(i++, uuid);
      }
      return s.executeUpdate();
    }
  }

  /** One transaction for all of them. @return the rows changed */
  int finish(List<TaskRows.Finished> tasks) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(FINISH)) {
        for (TaskRows.Finished t : tasks) {
          s.setInt(1, t.exitCode());
          s.setObject(2, utc(t.endTime()));
          blob(s, 3, t.stdout());
          blob(s, 4, t.stderr());
          s.setString(5, t.taskUuid());
          s.addBatch();
        }
        int changed = 0;
        for (int n : s.executeBatch()) {
          changed += Math.max(n, 0);
        }
        c.commit();
        return changed;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  /** Whether the table is there and reachable. */
  void check() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT taskUUID FROM Tasks LIMIT 0")) {
      s.executeQuery().close();
    }
  }

  private static LocalDateTime utc(Instant at) {
    return LocalDateTime.ofInstant(at, ZoneOffset.UTC);
  }

  private static void blob(PreparedStatement s, int i, Optional<String> text) throws SQLException {
    if (text.isPresent()) {
      s.setString(i, text.get());
    } else {
      s.setNull(i, Types.BLOB);
    }
  }
}
