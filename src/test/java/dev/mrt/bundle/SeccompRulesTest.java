package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeccompRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode profile(String json) throws Exception {
    return JSON.readTree(json.replace('\'', '"'));
  }

  @Test
  void testOf_writesRuncsLibseccompCallsOneRulePerName() throws Exception {
    JsonNode p =
        profile(
            "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,"
                + "'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86'],'syscalls':["
                + "{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
                + "{'names':['unshare'],'action':'SCMP_ACT_ERRNO'},"
                + "{'names':['clone3'],'action':'SCMP_ACT_ERRNO','errnoRet':38},"
                + "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':["
                + "{'index':0,'value':0,'op':'SCMP_CMP_EQ'},{'index':1,'value':8,'valueTwo':8,"
                + "'op':'SCMP_CMP_MASKED_EQ'}]}]}");
    assertEquals(
        "default ERRNO 38\narch x86_64\narch x86\n"
            + "rule ALLOW 0 read\nrule ALLOW 0 write\n"
            + "rule ERRNO 1 unshare\n" // errnoRet defaults to EPERM, as in runc
            // clone3 answers as the default does: runc skips it, libseccomp would refuse it
            + "rule ALLOW 0 personality 0 EQ 0 0 1 MASKED_EQ 8 8\n",
        SeccompRules.of(p).orElseThrow());
  }

  @Test
  void testOf_conditionsOnOneArgumentBecomeRulesOfTheirOwn() throws Exception {
    JsonNode p =
        profile(
            "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['personality'],"
                + "'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'op':'SCMP_CMP_NE'},"
                + "{'index':0,'value':-1,'op':'SCMP_CMP_NE'}]}]}");
    assertEquals(
        "default ALLOW 0\nrule ERRNO 1 personality 0 NE 1 0\n"
            + "rule ERRNO 1 personality 0 NE 18446744073709551615 0\n",
        SeccompRules.of(p).get());
  }

  @Test
  void testOf_mrtsDefaultProfileQualifiesAndIsOptimised() {
    String rules =
        SeccompRules.of(SeccompProfile.defaultFor("amd64", DefaultSpec.CAPABILITIES)).orElseThrow();
    assertTrue(
        rules.startsWith(
            "default ERRNO 38\narch x86_64\narch x86\narch x32\n"
                + "optimize 2\nrule ERRNO 1 keyctl\n"),
        rules.substring(0, 120));
    assertTrue(rules.contains("\nrule ALLOW 0 clone 0 MASKED_EQ 2114060288 0\n"), "clone rule");
  }

  @Test
  void testOf_profilesOnlyRuncCanLoadAsMeantStayWithRunc() throws Exception {
    // runc's ENOSYS stub would change what a KILL or EPERM default answers for new syscalls
    assertEquals(
        Optional.empty(),
        SeccompRules.of(profile("{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[]}")));
    assertEquals(
        Optional.empty(),
        SeccompRules.of(profile("{'defaultAction':'SCMP_ACT_KILL_PROCESS','syscalls':[]}")));
    assertEquals(
        Optional.empty(),
        SeccompRules.of(
            profile(
                "{'defaultAction':'SCMP_ACT_ALLOW',"
                    + "'flags':['SECCOMP_FILTER_FLAG_LOG'],'syscalls':[]}")));
    assertEquals(
        Optional.empty(),
        SeccompRules.of(
            profile(
                "{'defaultAction':'SCMP_ACT_ALLOW',"
                    + "'syscalls':[{'names':['mount'],'action':'SCMP_ACT_NOTIFY'}]}")));
    assertEquals(
        Optional.empty(),
        SeccompRules.of(
            profile(
                "{'defaultAction':'SCMP_ACT_ALLOW',"
                    + "'syscalls':[{'names':['mount'],'action':'SCMP_ACT_ERRNO','args':[{'index':7,"
                    + "'value':1,'op':'SCMP_CMP_EQ'}]}]}")));
  }
}
