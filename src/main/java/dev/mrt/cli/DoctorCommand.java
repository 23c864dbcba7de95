package dev.mrt.cli;

import picocli.CommandLine.Command;

@Command(name = "doctor")
public class DoctorCommand implements Runnable {
  @Override
  public void run() {}
}
