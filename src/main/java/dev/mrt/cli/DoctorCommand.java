package dev.mrt.cli;

import picocli.CommandLine.Command;

@Command(name = "doctor", description = "Check what rootless containers need on this host.")
public class DoctorCommand implements Runnable {
  @Override
  public void run() {}
}
