package dev.mrt.gearman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketCodecTest {
  private final PacketCodec codec = new PacketCodec();

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  private Packet decode(byte[] bytes) throws Exception {
    return codec.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void testEncode_canDo() {
    // \0REQ, type 1, length 5, "hello"
    assertArrayEquals(
        hex("00524551 00000001 00000005 68656c6c6f"),
        codec.encode(Packet.request(PacketType.CAN_DO, "hello")));
  }

  @Test
  void testEncode_noArguments() {
    assertArrayEquals(
        hex("00524551 0000001e 00000000"), codec.encode(Packet.request(PacketType.GRAB_JOB_UNIQ)));
  }

  @Test
  void testEncode_workCompleteKeepsNulsInData() {
    byte[] data = {'a', 0, 'b'};
    assertArrayEquals(
        hex("00524551 0000000d 00000007 483a31 00 610062"),
        codec.encode(Packet.request(PacketType.WORK_COMPLETE, "H:1", data)));
  }

  @Test
  void testRead_jobAssignUniqSplitsOnFirstThreeNuls() throws Exception {
    // handle "H:x:1", function "f", unique "u", data "d\0e"
    Packet packet = decode(hex("00524553 0000001f 0000000d 483a783a31 00 66 00 75 00 640065"));
    assertEquals(Packet.Magic.RES, packet.magic());
    assertEquals(PacketType.JOB_ASSIGN_UNIQ, packet.type());
    assertEquals("H:x:1", packet.argString(0));
    assertEquals("f", packet.argString(1));
    assertEquals("u", packet.argString(2));
    assertArrayEquals(new byte[] {'d', 0, 'e'}, packet.arg(3));
  }

  @Test
  void testRead_roundTripsEveryArgumentShape() throws Exception {
    Packet original =
        Packet.request(
            PacketType.SUBMIT_JOB, "fn", "", "data\0with\0nuls".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.write(original, out);
    assertEquals(original, decode(out.toByteArray()));
  }

  @Test
  void testRead_noop() throws Exception {
    assertEquals(Packet.response(PacketType.NOOP), decode(hex("00524553 00000006 00000000")));
  }

  @Test
  void testRead_badMagic() {
    GearmanProtocolException e =
        assertThrows(
            GearmanProtocolException.class, () -> decode(hex("00585858 00000006 00000000")));
    assertEquals(
        "bad gearman packet NOOP (0 bytes): bad magic [0, 88, 88, 88], expected \\0REQ or \\0RES",
        e.getMessage());
  }

  @Test
  void testRead_unknownType() {
    GearmanProtocolException e =
        assertThrows(
            GearmanProtocolException.class, () -> decode(hex("00524553 00000005 00000000")));
    assertEquals("bad gearman packet #5 (0 bytes): unknown type", e.getMessage());
    assertEquals("#5", e.packetType());
  }

  @Test
  void testRead_sizeAboveLimitRefusedBeforeAllocating() {
    // 0xffffffff bytes announced, none sent: must fail on the header alone.
    GearmanProtocolException e =
        assertThrows(
            GearmanProtocolException.class, () -> decode(hex("00524553 0000000d ffffffff")));
    assertEquals(4294967295L, e.size());
    assertEquals(
        "bad gearman packet WORK_COMPLETE (4294967295 bytes): larger than the limit of 67108864 bytes",
        e.getMessage());
  }

  @Test
  void testRead_configurableLimit() {
    PacketCodec small = new PacketCodec(4);
    assertThrows(
        GearmanProtocolException.class,
        () -> small.read(new ByteArrayInputStream(hex("00524553 00000011 00000005 6162636465"))));
  }

  @Test
  void testRead_tooFewArguments() {
    GearmanProtocolException e =
        assertThrows(
            GearmanProtocolException.class,
            () -> decode(hex("00524553 0000001f 00000003 61 00 62")));
    assertEquals(
        "bad gearman packet JOB_ASSIGN_UNIQ (3 bytes): expected 4 arguments, got 2",
        e.getMessage());
  }

  @Test
  void testRead_payloadOnNoArgumentType() {
    GearmanProtocolException e =
        assertThrows(
            GearmanProtocolException.class, () -> decode(hex("00524553 0000000a 00000001 61")));
    assertEquals("bad gearman packet NO_JOB (1 bytes): expected no arguments", e.getMessage());
  }

  @Test
  void testRead_cleanEof() {
    assertThrows(EOFException.class, () -> decode(new byte[0]));
  }

  @Test
  void testRead_truncatedPayload() {
    EOFException e =
        assertThrows(EOFException.class, () -> decode(hex("00524553 00000011 00000005 6162")));
    assertEquals(
        "gearman peer closed the connection inside ECHO_RES (2 of 5 bytes)", e.getMessage());
  }

  @Test
  void testPacket_nulInsideNonLastArgumentRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Packet.request(PacketType.WORK_COMPLETE, new byte[] {'H', 0}, "x"));
  }

  @Test
  void testPacket_wrongArgumentCountRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Packet.request(PacketType.CAN_DO));
    assertEquals("CAN_DO takes 1 arguments, got 0", e.getMessage());
  }

  @Test
  void testPacket_argumentsAreCopied() {
    byte[] data = {'a'};
    Packet packet = Packet.request(PacketType.ECHO_REQ, data);
    data[0] = 'b';
    packet.arg(0)[0] = 'c';
    assertArrayEquals(new byte[] {'a'}, packet.arg(0));
  }

  @Test
  void testPacketType_fromCodeMatchesProtocolNumbers() {
    assertEquals(PacketType.GRAB_JOB_UNIQ, PacketType.fromCode(30).orElseThrow());
    assertEquals(PacketType.SUBMIT_JOB_LOW_BG, PacketType.fromCode(34).orElseThrow());
    assertEquals(22, PacketType.SET_CLIENT_ID.code());
    assertEquals(true, PacketType.fromCode(5).isEmpty());
    assertEquals(true, PacketType.fromCode(-1).isEmpty());
    assertEquals(true, PacketType.fromCode(1000).isEmpty());
  }

  @Test
  void testRead_oversizedJobSkippedWithItsHandle() throws IOException {
    byte[] data = new byte[1000];
    Arrays.fill(data, (byte) 'd');
    Packet job =
        new Packet(
            Packet.Magic.RES,
            PacketType.JOB_ASSIGN_UNIQ,
            List.of(
                "H:host:42".getBytes(StandardCharsets.UTF_8),
                "echo_v0.0".getBytes(StandardCharsets.UTF_8),
                "uniq".getBytes(StandardCharsets.UTF_8),
                data));
    Packet noop = new Packet(Packet.Magic.RES, PacketType.NOOP, List.of());
    PacketCodec small = new PacketCodec(100);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    small.write(job, wire);
    small.write(noop, wire);
    InputStream in = new ByteArrayInputStream(wire.toByteArray());
    OversizedJobException e = assertThrows(OversizedJobException.class, () -> small.read(in));
    assertEquals("H:host:42", e.handle());
    assertEquals("echo_v0.0", e.function());
    assertEquals(
        "bad gearman packet JOB_ASSIGN_UNIQ (1025 bytes): job H:host:42 for echo_v0.0 is"
            + " larger than the limit of 100 bytes",
        e.getMessage());
    // The rest was skipped: the next packet reads as usual.
    assertEquals(PacketType.NOOP, small.read(in).type());
  }
}
