package io.lakebatch.udf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A read-only Hadoop file system for the made-up scheme {@value #SCHEME}, serving files put in
 * {@link #FILES} (one JVM: Spark's local mode): Hadoop finds it only through {@code fs.lbmem.impl},
 * i.e. {@code spark.hadoop.fs.lbmem.impl}, so a reader with a bare {@code Configuration} cannot
 * open its files. Records which thread opened what.
 */
public final class InMemoryModelFileSystem extends FileSystem {
  static final String SCHEME = "lbmem";

  /** File contents by path (the URI's path part). */
  static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();

  /** "thread name: path" of every open. */
  static final List<String> OPENS = new CopyOnWriteArrayList<>();

  private URI uri;

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    this.uri = URI.create(SCHEME + ":///");
    setConf(conf);
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return uri;
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    byte[] bytes = bytes(path);
    OPENS.add(Thread.currentThread().getName() + ": " + path.toUri().getPath());
    return new FSDataInputStream(new ByteArrayStream(bytes));
  }

  @Override
  public FileStatus getFileStatus(Path path) throws IOException {
    byte[] bytes = bytes(path);
    return new FileStatus(bytes.length, false, 1, bytes.length, 0, makeQualified(path));
  }

  private static byte[] bytes(Path path) throws FileNotFoundException {
    byte[] bytes = FILES.get(path.toUri().getPath());
    if (bytes == null) {
      throw new FileNotFoundException(path.toString());
    }
    return bytes;
  }

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    throw new IOException(SCHEME + " is read-only");
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress)
      throws IOException {
    throw new IOException(SCHEME + " is read-only");
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    throw new IOException(SCHEME + " is read-only");
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    throw new IOException(SCHEME + " is read-only");
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    return new FileStatus[] {getFileStatus(f)};
  }

  @Override
  public void setWorkingDirectory(Path dir) {}

  @Override
  public Path getWorkingDirectory() {
    return new Path(SCHEME + ":///");
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    throw new IOException(SCHEME + " is read-only");
  }

  private static final class ByteArrayStream extends FSInputStream {
    private final byte[] bytes;
    private int position;

    ByteArrayStream(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public void seek(long target) throws IOException {
      if (target < 0 || target > bytes.length) {
        throw new IOException("cannot seek to " + target + " of " + bytes.length);
      }
      position = (int) target;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public boolean seekToNewSource(long target) {
      return false;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(length, bytes.length - position);
      System.arraycopy(bytes, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
