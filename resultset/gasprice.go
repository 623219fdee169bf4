package resultset

import (
	"fmt"
	"math"
)

// GasPrice turns gas into money: a gas price in gwei (1e-9 ETH) and the
// price of one ETH in US dollars.
type GasPrice struct {
	Gwei   float64
	EthUSD float64
}

// DefaultGasPrice is the price the tables use unless told otherwise; both
// figures move daily, so pass today's (-gas-price-gwei, -eth-usd). Sources
// and dates are in the README: an average base fee of 2.7 gwei reported for
// 2025, after the Dencun upgrade, and ETH at $3,170 (January 2025).
var DefaultGasPrice = GasPrice{Gwei: 2.7, EthUSD: 3170}

// Check refuses prices that are not positive numbers.
func (p GasPrice) Check() error {
	if !(p.Gwei > 0) || !(p.EthUSD > 0) || math.IsInf(p.Gwei, 0) || math.IsInf(p.EthUSD, 0) {
		return fmt.Errorf("gas price %g gwei at %g USD per ETH: both must be positive", p.Gwei, p.EthUSD)
	}
	return nil
}

// USD is the cost of gas.
func (p GasPrice) USD(gas int64) float64 { return float64(gas) * p.Gwei * 1e-9 * p.EthUSD }

// String says what the price is.
func (p GasPrice) String() string { return fmt.Sprintf("%g gwei, $%g per ETH", p.Gwei, p.EthUSD) }

// Dollars formats an amount of US dollars with three significant digits.
func Dollars(usd float64) string {
	switch {
	case usd >= 100:
		return fmt.Sprintf("$%.0f", usd)
	case usd >= 0.01:
		return fmt.Sprintf("$%.3g", usd)
	}
	return fmt.Sprintf("$%.2g", usd)
}
