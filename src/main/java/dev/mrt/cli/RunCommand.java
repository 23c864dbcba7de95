package dev.mrt.cli;

import picocli.CommandLine.Command;

@Command(name = "run")
public class RunCommand implements Runnable {
  @Override
  public void run() {}
}
