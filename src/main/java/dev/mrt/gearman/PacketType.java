package dev.mrt.gearman;

import java.util.Optional;

/**
 * Binary packet types of the Gearman protocol (http://gearman.org/protocol/), with the number of
 * NUL-separated arguments each one carries. Only the last argument may contain NUL bytes (it is the
 * opaque data of the packet), so the argument count is what makes a payload splittable.
 *
 * <p>Numbers not listed (5 was never assigned, 37+ are gearmand extensions mrt does not speak) are
 * framing errors when received.
 */
public enum PacketType {
  /** Worker: I can run this function. Args: function name. */
  CAN_DO(1, 1),
  /** Worker: I no longer run this function. Args: function name. */
  CANT_DO(2, 1),
  /** Worker: forget every function I registered. */
  RESET_ABILITIES(3, 0),
  /** Worker: I am going to sleep; wake me with NOOP when a job arrives. */
  PRE_SLEEP(4, 0),
  /** Server: wake up, there may be work (answer with a GRAB_JOB variant). */
  NOOP(6, 0),
  /** Client: run a job, normal priority. Args: function, unique id, data. */
  SUBMIT_JOB(7, 3),
  /** Server: the job was queued. Args: job handle. */
  JOB_CREATED(8, 1),
  /** Worker: give me a job (without its unique id). */
  GRAB_JOB(9, 0),
  /** Server: no job for you right now. */
  NO_JOB(10, 0),
  /** Server: a job for you. Args: handle, function, data. */
  JOB_ASSIGN(11, 3),
  /** Worker: progress of a job. Args: handle, numerator, denominator. */
  WORK_STATUS(12, 3),
  /** Worker: job done, here is its result. Args: handle, data. */
  WORK_COMPLETE(13, 2),
  /** Worker: job failed, no result. Args: handle. */
  WORK_FAIL(14, 1),
  /** Client: how is this job doing? Args: handle. */
  GET_STATUS(15, 1),
  /** Either side: echo this data back. Args: data. */
  ECHO_REQ(16, 1),
  /** Server: the data of an ECHO_REQ. Args: data. */
  ECHO_RES(17, 1),
  /** Client: run a job in the background (no result). Args: function, unique id, data. */
  SUBMIT_JOB_BG(18, 3),
  /** Server: the previous request was wrong. Args: error code, text. */
  ERROR(19, 2),
  /** Server: answer to GET_STATUS. Args: handle, known, running, numerator, denominator. */
  STATUS_RES(20, 5),
  /** Client: run a job, high priority. Args: function, unique id, data. */
  SUBMIT_JOB_HIGH(21, 3),
  /** Worker: my name, shown by {@code gearadmin --workers}. Args: client id. */
  SET_CLIENT_ID(22, 1),
  /** Worker: I can run this function within a timeout. Args: function, timeout seconds. */
  CAN_DO_TIMEOUT(23, 2),
  /** Worker: unused by gearmand. */
  ALL_YOURS(24, 0),
  /** Worker: job failed with an exception. Args: handle, data. */
  WORK_EXCEPTION(25, 2),
  /** Either side: set a connection option. Args: option name. */
  OPTION_REQ(26, 1),
  /** Server: option accepted. Args: option name. */
  OPTION_RES(27, 1),
  /** Worker: partial result data. Args: handle, data. */
  WORK_DATA(28, 2),
  /** Worker: warning data. Args: handle, data. */
  WORK_WARNING(29, 2),
  /** Worker: give me a job with its unique id (what MCPClient sends). */
  GRAB_JOB_UNIQ(30, 0),
  /** Server: a job for you. Args: handle, function, unique id, data. */
  JOB_ASSIGN_UNIQ(31, 4),
  /** Client: background job, high priority. Args: function, unique id, data. */
  SUBMIT_JOB_HIGH_BG(32, 3),
  /** Client: run a job, low priority. Args: function, unique id, data. */
  SUBMIT_JOB_LOW(33, 3),
  /** Client: background job, low priority. Args: function, unique id, data. */
  SUBMIT_JOB_LOW_BG(34, 3),
  /**
   * Client: background job at a cron-like time. Args: function, unique id, minute, hour, day of
   * month, month, day of week, data.
   */
  SUBMIT_JOB_SCHED(35, 8),
  /** Client: background job at a Unix time. Args: function, unique id, epoch seconds, data. */
  SUBMIT_JOB_EPOCH(36, 4),
  /** Client: status by unique id instead of handle. Args: unique id. */
  GET_STATUS_UNIQUE(41, 1),
  /**
   * Server: answer to GET_STATUS_UNIQUE. Args: unique id, known, running, numerator, denominator,
   * waiting clients.
   */
  STATUS_RES_UNIQUE(42, 6);

  private static final PacketType[] BY_CODE = new PacketType[43];

  static {
    for (PacketType type : values()) {
      BY_CODE[type.code] = type;
    }
  }

  private final int code;
  private final int argumentCount;

  PacketType(int code, int argumentCount) {
    this.code = code;
    this.argumentCount = argumentCount;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** How many NUL-separated arguments the payload holds; the last one may contain NULs. */
  public int argumentCount() {
    return argumentCount;
  }

  /** The type with this wire number, or empty for numbers mrt does not know. */
  public static Optional<PacketType> fromCode(int code) {
    return code >= 0 && code < BY_CODE.length
        ? Optional.ofNullable(BY_CODE[code])
        : Optional.empty();
  }
}
