package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientModulesTest {
  private static ClientModules parse(String text) {
    return ClientModules.parse(text, "modules.ini");
  }

  @Test
  void testLoad_exampleFile() {
    ClientModules modules = ClientModules.load(Path.of("config/archivematicaClientModules"));
    assertTrue(modules.functionNames().size() >= 20);
    assertEquals(Optional.of("identify_file_format"), modules.module("identifyfileformat_v0.0"));
    assertEquals(Optional.of("characterize_file"), modules.module("characterizefile_v0.0"));
  }

  @Test
  void testParse_configparserSemantics() {
    ClientModules modules =
        parse(
            """
            # comment
            [supportedCommands]
            ignored_v0.0 = other_section
            [supportedBatchCommands]
            ; another comment
              IdentifyFileFormat_v0.0   =   identify_file_format
            characterizeFile_v0.0: characterize_file
            with_equals_v0.0 = a=b:c
            empty_v0.0 =
            """);
    assertEquals(
        Map.of(
            "identifyfileformat_v0.0", "identify_file_format",
            "characterizefile_v0.0", "characterize_file",
            "with_equals_v0.0", "a=b:c",
            "empty_v0.0", ""),
        modules.modules());
    assertEquals(
        List.of(
            "identifyfileformat_v0.0", "characterizefile_v0.0", "with_equals_v0.0", "empty_v0.0"),
        List.copyOf(modules.functionNames()));
  }

  @Test
  void testParse_continuationLineJoinsValue() {
    assertEquals(
        Map.of("a_v0.0", "first\nsecond"),
        parse("[supportedBatchCommands]\na_v0.0 = first\n    second\n").modules());
  }

  @Test
  void testParse_serverRpcNamesSkippedCaseInsensitively() {
    ClientModules modules =
        parse(
            """
            [supportedBatchCommands]
            approveJob = x
            GETJOBSAWAITINGAPPROVAL = x
            packageCreate = x
            approveTransferByPath = x
            approvePartialReingest = x
            getProcessingConfigFields = x
            getUnitsStatuses = x
            getUnitStatus = x
            echo_v0.0 = echo
            """);
    assertEquals(Map.of("echo_v0.0", "echo"), modules.modules());
  }

  @Test
  void testParse_missingSection() {
    MrtException e = assertThrows(MrtException.class, () -> parse("[supportedCommands]\na = b\n"));
    assertEquals("modules.ini has no [supportedBatchCommands] section", e.getMessage());
  }

  @Test
  void testParse_duplicateKeyAfterLowercasing() {
    MrtException e =
        assertThrows(
            MrtException.class, () -> parse("[supportedBatchCommands]\nA_v0.0 = x\na_v0.0 = y\n"));
    assertEquals("modules.ini line 3: 'a_v0.0' appears twice", e.getMessage());
  }

  @Test
  void testParse_lineBeforeSection() {
    MrtException e = assertThrows(MrtException.class, () -> parse("a = b\n"));
    assertEquals("modules.ini line 1: a line before the first [section]", e.getMessage());
  }

  @Test
  void testParse_lineWithoutDelimiter() {
    MrtException e =
        assertThrows(MrtException.class, () -> parse("[supportedBatchCommands]\njust_a_name\n"));
    assertEquals("modules.ini line 2: expected 'name = module', got 'just_a_name'", e.getMessage());
  }

  @Test
  void testLoad_missingFile() {
    MrtException e =
        assertThrows(MrtException.class, () -> ClientModules.load(Path.of("no/such/file")));
    assertEquals(
        "cannot read client modules file no/such/file (no/such/file: no such file or "
            + "directory); set mrt.archivematica.modules-file (MRT_ARCHIVEMATICA_MODULES_FILE) to "
            + "Archivematica's archivematicaClientModules",
        e.getMessage());
  }
}
