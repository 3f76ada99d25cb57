package io.lakebatch.server.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WeightedMaxMinTest {
  @Test
  void sharesInProportionToWeightsWhenNoCapBinds() {
    double[] shares =
        WeightedMaxMin.divide(12, new double[] {1, 2, 3}, new double[] {100, 100, 100});

    assertThat(shares[0]).isCloseTo(2, within(1e-9));
    assertThat(shares[1]).isCloseTo(4, within(1e-9));
    assertThat(shares[2]).isCloseTo(6, within(1e-9));
  }

  @Test
  void whatACappedPartyLeavesGoesToTheOthersByWeight() {
    // Equal thirds would be 4 each; the first wants only 1, the other 11 split 1:2.
    double[] shares = WeightedMaxMin.divide(12, new double[] {1, 1, 2}, new double[] {1, 100, 100});

    assertThat(shares[0]).isCloseTo(1, within(1e-9));
    assertThat(shares[1]).isCloseTo(11.0 / 3, within(1e-9));
    assertThat(shares[2]).isCloseTo(22.0 / 3, within(1e-9));
  }

  @Test
  void capsCascadeAndPartiesWithoutDemandGetNothing() {
    double[] shares =
        WeightedMaxMin.divide(10, new double[] {1, 1, 1, 5}, new double[] {2, 3, 100, 0});

    assertThat(shares).containsExactly(new double[] {2, 3, 5, 0}, within(1e-9));
  }

  @Test
  void whenTheCapsAddUpToLessEachGetsItsCap() {
    assertThat(WeightedMaxMin.divide(10, new double[] {1, 1}, new double[] {2, 3}))
        .containsExactly(new double[] {2, 3}, within(1e-9));
    assertThatThrownBy(() -> WeightedMaxMin.divide(1, new double[] {1}, new double[] {1, 2}))
        .hasMessageContaining("1 weights, 2 caps");
  }
}
