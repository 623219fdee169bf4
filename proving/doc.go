// Package proving holds what every prover and verifier here shares, apart
// from the circuits: the proving systems behind one interface (Groth16 and
// PLONK, System, with their keys and proofs), the public-input counts of a
// constraint system and of a verifying key, the on-disk key cache, the
// memory model that refuses sizes a machine cannot prove, and every circuit
// package's solver hints (Hints). The benchmark harness (package bench),
// proven runs (package trainrun) and the on-chain code (package onchain)
// all prove and verify through it.
//
// Files:
//   - backend.go: System (Groth16, PLONK), keys and proofs.
//   - keycache.go: the on-disk key cache.
//   - memguard.go: the memory model and the checks against it.
//   - hints.go: every circuit package's hints, registered once.
package proving
