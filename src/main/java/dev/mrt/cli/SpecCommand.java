package dev.mrt.cli;

import picocli.CommandLine.Command;

@Command(name = "spec")
public class SpecCommand implements Runnable {
  @Override
  public void run() {}
}
