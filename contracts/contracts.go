// Package contracts holds the Solidity contracts potbench deploys beside
// gnark's exported verifiers.
//
// Settlement.sol is an escrow for a proven training run: a buyer locks a
// payment for a model trained on a committed dataset that reaches a stated
// held-out score; the seller submits the run's step proofs and the score
// proof; the contract verifies them through the verifiers, checks the links
// between them and pays. onchain.Settle runs it in an EVM and measures its gas.
//
// Sale.sol sells the final model of a run proven in one proof in one
// transaction: the run's terms are folded into its verifier, the model is
// sent in the clear with the proof, and the seller is paid on the spot.
// onchain.Sell runs it.
package contracts

import _ "embed"

// Settlement is the source of Settlement.sol.
//
//go:embed Settlement.sol
var Settlement string

// Sale is the source of Sale.sol.
//
//go:embed Sale.sol
var Sale string
