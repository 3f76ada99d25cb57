package io.lakebatch.udf;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.udf.faults.SeededFaultInjection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault hook is found through the test SPI only when the Spark conf switches it on. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultInjectionProviderTest {
  @Test
  void noFaultKeysGiveTheNoOpHook() {
    assertThat(FaultInjection.fromConf(key -> Optional.empty())).isSameAs(FaultInjection.NONE);
  }

  @Test
  void faultKeysGiveTheSeededHookFromTheTestJar() {
    Map<String, String> conf =
        Map.of(
            FaultInjection.PREFIX + "task-failure-rate",
            "0.5",
            FaultInjection.PREFIX + "seed",
            "7",
            FaultInjection.PREFIX + "slow-partition",
            "3");
    FaultInjection hook = FaultInjection.fromConf(key -> Optional.ofNullable(conf.get(key)));
    assertThat(hook).isEqualTo(new SeededFaultInjection(0.5, 0, 0, 7, 3));
    hook.beforeTask(null); // outside a task: nothing happens
  }
}
