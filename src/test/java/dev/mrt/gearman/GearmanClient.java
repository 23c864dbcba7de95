package dev.mrt.gearman;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test-only Gearman client that behaves like MCPServer's: SUBMIT_JOB (foreground, normal priority,
 * unique = batch id), then wait for WORK_COMPLETE or WORK_FAIL of that handle.
 */
public final class GearmanClient implements Closeable {
  /** The end of a job as the client saw it; {@code data} is empty for a failure. */
  public record Result(boolean failed, byte[] data) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final PacketCodec codec = new PacketCodec();

  /** Results that arrived while waiting for something else (several jobs in flight). */
  private final List<Packet> early = new ArrayList<>();

  public GearmanClient(ServerAddress server, Duration timeout) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(server.host(), server.port()), (int) timeout.toMillis());
    socket.setSoTimeout((int) timeout.toMillis());
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Submits a job and returns its handle. */
  public String submit(String function, String unique, byte[] data) throws IOException {
    codec.write(Packet.request(PacketType.SUBMIT_JOB, function, unique, data), out);
    Packet created = expect(PacketType.JOB_CREATED);
    return created.argString(0);
  }

  /** Waits (up to the socket timeout per packet) for the end of the job with this handle. */
  public Result await(String handle) throws IOException {
    for (int i = 0; i < early.size(); i++) {
      Optional<Result> result = resultOf(early.get(i), handle);
      if (result.isPresent()) {
        early.remove(i);
        return result.get();
      }
    }
    while (true) {
      Packet packet = codec.read(in);
      Optional<Result> result = resultOf(packet, handle);
      if (result.isPresent()) {
        return result.get();
      }
      park(packet);
    }
  }

  private static Optional<Result> resultOf(Packet packet, String handle) {
    boolean mine = packet.type().argumentCount() > 0 && packet.argString(0).equals(handle);
    if (mine && packet.type() == PacketType.WORK_COMPLETE) {
      return Optional.of(new Result(false, packet.arg(1)));
    }
    if (mine && packet.type() == PacketType.WORK_FAIL) {
      return Optional.of(new Result(true, new byte[0]));
    }
    return Optional.empty();
  }

  public Result submitAndWait(String function, String unique, byte[] data) throws IOException {
    return await(submit(function, unique, data));
  }

  private Packet expect(PacketType type) throws IOException {
    while (true) {
      Packet packet = codec.read(in);
      if (packet.type() == type) {
        return packet;
      }
      park(packet);
    }
  }

  private void park(Packet packet) throws IOException {
    if (packet.type() == PacketType.ERROR) {
      throw new IOException("gearmand error " + packet.argString(0) + ": " + packet.argString(1));
    }
    early.add(packet);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
