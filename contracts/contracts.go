// Package contracts holds the Solidity contracts potbench deploys beside
// gnark's exported verifiers.
//
// Settlement.sol is an escrow for a proven training run: a buyer locks a
// payment for a model trained on a committed dataset that reaches a stated
// held-out score; the seller submits the run's step proofs and the score
// proof; the contract verifies them through the verifiers, checks the links
// between them and pays. onchain.Settle runs it in an EVM and measures its gas.
package contracts

import _ "embed"

// Settlement is the source of Settlement.sol.
//
//go:embed Settlement.sol
var Settlement string
