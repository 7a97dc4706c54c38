package io.brume.snapshotter;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Snapshot metadata in SQLite ({@code metadata.db}), the transactional embedded store that plays
 * the part of containerd's bbolt: write-ahead log with {@code synchronous=FULL}, so a committed
 * transaction survives {@code kill -9} and a power cut, and an interrupted one leaves nothing.
 * Every change happens inside {@link #transaction}; the snapshotter creates or deletes the
 * snapshot's directory inside the same transaction's scope so that a crash leaves at most an orphan
 * directory, which {@link Snapshotter} removes on start.
 */
final class MetadataStore implements AutoCloseable {
  /** A stored snapshot: its directory id, containerd's view of it, and its recorded usage. */
  record Stored(long id, SnapshotInfo info, long size, long inodes) {}

  /** Work done inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Tx tx) throws IOException, SQLException;
  }

  /** Work done inside one transaction that returns nothing. */
  @FunctionalInterface
  interface Update {
    void run(Tx tx) throws IOException, SQLException;
  }

  private final Connection connection;

  private MetadataStore(Connection connection) {
    this.connection = connection;
  }

  /** Opens (creating) the database at {@code file}. */
  static MetadataStore open(Path file) throws IOException {
    try {
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        statement.execute("PRAGMA synchronous=FULL");
        statement.execute("PRAGMA foreign_keys=ON");
        statement.execute("PRAGMA busy_timeout=10000");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " name TEXT NOT NULL UNIQUE, parent TEXT NOT NULL, kind INTEGER NOT NULL,"
                + " created_nanos INTEGER NOT NULL, updated_nanos INTEGER NOT NULL,"
                + " size INTEGER NOT NULL DEFAULT 0, inodes INTEGER NOT NULL DEFAULT 0)");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS labels (snapshot INTEGER NOT NULL"
                + " REFERENCES snapshots(id) ON DELETE CASCADE, key TEXT NOT NULL,"
                + " value TEXT NOT NULL, PRIMARY KEY (snapshot, key))");
      }
      connection.setAutoCommit(false);
      return new MetadataStore(connection);
    } catch (SQLException e) {
      throw new IOException("cannot open snapshot metadata " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code update} in one transaction, as {@link #transaction} does. */
  void update(Update update) throws IOException {
    transaction(
        tx -> {
          update.run(tx);
          return Boolean.TRUE; // a Work must return something non-null
        });
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  synchronized <T> T transaction(Work<T> work) throws IOException {
    try {
      T result = work.run(new Tx());
      connection.commit();
      return result;
    } catch (IOException | SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      if (e instanceof SQLException sql) {
        throw new IOException("snapshot metadata: " + sql.getMessage(), sql);
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) e;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IOException("closing snapshot metadata: " + e.getMessage(), e);
    }
  }

  /** The operations available inside a transaction. */
  final class Tx {
    private Tx() {}

    Optional<Stored> find(String name) throws SQLException {
      try (PreparedStatement query =
          connection.prepareStatement("SELECT * FROM snapshots WHERE name = ?")) {
        query.setString(1, name);
        try (ResultSet rows = query.executeQuery()) {
          return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
      }
    }

    Stored get(String name) throws SQLException {
      return find(name).orElseThrow(() -> SnapshotException.notFound("snapshot " + name));
    }

    List<Stored> list() throws SQLException {
      List<Stored> all = new ArrayList<>();
      try (PreparedStatement query =
              connection.prepareStatement("SELECT * FROM snapshots ORDER BY id");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          all.add(read(rows));
        }
      }
      return all;
    }

    Set<Long> ids() throws SQLException {
      Set<Long> ids = new HashSet<>();
      try (PreparedStatement query = connection.prepareStatement("SELECT id FROM snapshots");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      return ids;
    }

    boolean hasChildren(String name) throws SQLException {
      try (PreparedStatement query =
          connection.prepareStatement("SELECT 1 FROM snapshots WHERE parent = ? LIMIT 1")) {
        query.setString(1, name);
        try (ResultSet rows = query.executeQuery()) {
          return rows.next();
        }
      }
    }

    /** Inserts a snapshot; returns its id (the name of its directory). */
    long insert(String name, String parent, Kind kind, Map<String, String> labels, Instant now)
        throws SQLException {
      if (find(name).isPresent()) {
        throw SnapshotException.alreadyExists("snapshot " + name);
      }
      long id;
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO snapshots (name, parent, kind, created_nanos, updated_nanos)"
                  + " VALUES (?, ?, ?, ?, ?)",
              Statement.RETURN_GENERATED_KEYS)) {
        insert.setString(1, name);
        insert.setString(2, parent);
        insert.setInt(3, kind.number());
        insert.setLong(4, nanos(now));
        insert.setLong(5, nanos(now));
        insert.executeUpdate();
        try (ResultSet keys = insert.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
      replaceLabels(id, labels);
      return id;
    }

    /** Turns active snapshot {@code key} into committed snapshot {@code name}, same directory. */
    void commit(
        long id, String name, Map<String, String> labels, long size, long inodes, Instant now)
        throws SQLException {
      Optional<Stored> other = find(name);
      if (other.isPresent() && other.get().id() != id) {
        throw SnapshotException.alreadyExists("snapshot " + name);
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE snapshots SET name = ?, kind = ?, updated_nanos = ?, size = ?, inodes = ?"
                  + " WHERE id = ?")) {
        update.setString(1, name);
        update.setInt(2, Kind.COMMITTED.number());
        update.setLong(3, nanos(now));
        update.setLong(4, size);
        update.setLong(5, inodes);
        update.setLong(6, id);
        update.executeUpdate();
      }
      replaceLabels(id, labels);
    }

    void setLabels(long id, Map<String, String> labels, Instant now) throws SQLException {
      try (PreparedStatement update =
          connection.prepareStatement("UPDATE snapshots SET updated_nanos = ? WHERE id = ?")) {
        update.setLong(1, nanos(now));
        update.setLong(2, id);
        update.executeUpdate();
      }
      replaceLabels(id, labels);
    }

    void delete(long id) throws SQLException {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM snapshots WHERE id = ?")) {
        delete.setLong(1, id);
        delete.executeUpdate();
      }
    }

    private void replaceLabels(long id, Map<String, String> labels) throws SQLException {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM labels WHERE snapshot = ?")) {
        delete.setLong(1, id);
        delete.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO labels (snapshot, key, value) VALUES (?, ?, ?)")) {
        for (Map.Entry<String, String> label : labels.entrySet()) {
          insert.setLong(1, id);
          insert.setString(2, label.getKey());
          insert.setString(3, label.getValue());
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }

    private Stored read(ResultSet row) throws SQLException {
      long id = row.getLong("id");
      SnapshotInfo info =
          new SnapshotInfo(
              row.getString("name"),
              row.getString("parent"),
              Kind.ofNumber(row.getInt("kind")),
              instant(row.getLong("created_nanos")),
              instant(row.getLong("updated_nanos")),
              labels(id));
      return new Stored(id, info, row.getLong("size"), row.getLong("inodes"));
    }

    private Map<String, String> labels(long id) throws SQLException {
      Map<String, String> labels = new LinkedHashMap<>();
      try (PreparedStatement query =
          connection.prepareStatement("SELECT key, value FROM labels WHERE snapshot = ?")) {
        query.setLong(1, id);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            labels.put(rows.getString(1), rows.getString(2));
          }
        }
      }
      return new HashMap<>(labels);
    }
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
