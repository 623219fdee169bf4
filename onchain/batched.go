package onchain

import (
	"errors"
	"strings"
)

// BatchCommitmentCheck rewrites gnark's exported Groth16 verifier of a
// circuit with one BSB22 commitment so that verifyProof checks the
// commitment's proof of knowledge, e(D, -[σ]₂)·e(P, G) = 1, in the same
// pairing call as the proof, batched with a random r: the verifier computes
// r·D and r·P (two scalar multiplications) and checks
//
//	e(A, B)·e(C, -δ)·e(α, -β)·e(L, -γ)·e(r·D, -[σ]₂)·e(r·P, G) = 1
//
// with six pairings in one call instead of four and two in two calls: one
// call's base price (45,000 gas under EIP-1108) less two multiplications
// (6,000 each). r = keccak256(proof ‖ input) mod R, drawn after the proof
// and its inputs: with X the proof's pairing product and Y the proof of
// knowledge's, X·Y^r = 1 with Y ≠ 1 holds for one r only, so a proof that
// fails either check passes with probability at most q/R over q tries
// (keccak256 as a random oracle); r = 0, which would drop the second
// check, is refused. The compressed entry point is left as gnark writes it.
func BatchCommitmentCheck(sol string) (string, error) {
	const pedersen = `        // Verify pedersen commitments
        bool success;
        assembly ("memory-safe") {
            let f := mload(0x40)

            calldatacopy(f, add(proof.offset, 0x100), 0x40) // Copy first commitment
            mstore(add(f, 0x40), PEDERSEN_GSIGMANEG_X_1)
            mstore(add(f, 0x60), PEDERSEN_GSIGMANEG_X_0)
            mstore(add(f, 0x80), PEDERSEN_GSIGMANEG_Y_1)
            mstore(add(f, 0xa0), PEDERSEN_GSIGMANEG_Y_0)
            calldatacopy(add(f, 0xc0), add(proof.offset, 0x140), 0x40) // Copy PoK
            mstore(add(f, 0x100), PEDERSEN_G_X_1)
            mstore(add(f, 0x120), PEDERSEN_G_X_0)
            mstore(add(f, 0x140), PEDERSEN_G_Y_1)
            mstore(add(f, 0x160), PEDERSEN_G_Y_0)

            success := staticcall(gas(), PRECOMPILE_VERIFY, f, 0x180, f, 0x20)
            success := and(success, mload(f))
        }
        if (!success) {
            revert CommitmentInvalid();
        }
`
	const batched = `        // The commitment's proof of knowledge, e(D, -σ)·e(P, G) = 1, is
        // checked in the pairing call below, batched with a random r: r·D, r·P
        bool success;
        uint256[4] memory pok;
        {
            uint256 r = uint256(keccak256(abi.encodePacked(proof, input))) % R;
            if (r == 0) {
                revert CommitmentInvalid();
            }
            assembly ("memory-safe") {
                let f := mload(0x40)
                calldatacopy(f, add(proof.offset, 0x100), 0x40) // the commitment
                mstore(add(f, 0x40), r)
                success := staticcall(gas(), PRECOMPILE_MUL, f, 0x60, pok, 0x40)
                calldatacopy(f, add(proof.offset, 0x140), 0x40) // its proof of knowledge
                mstore(add(f, 0x40), r)
                success := and(success, staticcall(gas(), PRECOMPILE_MUL, f, 0x60, add(pok, 0x40), 0x40))
            }
            if (!success) {
                revert CommitmentInvalid();
            }
        }
`
	const gamma = `            mstore(add(f, 0x2e0), GAMMA_NEG_Y_0)

            // Check pairing equation.
            success := staticcall(gas(), PRECOMPILE_VERIFY, f, 0x300, f, 0x20)`
	const gammaPok = `            mstore(add(f, 0x2e0), GAMMA_NEG_Y_0)
            mstore(add(f, 0x300), mload(pok))
            mstore(add(f, 0x320), mload(add(pok, 0x20)))
            mstore(add(f, 0x340), PEDERSEN_GSIGMANEG_X_1)
            mstore(add(f, 0x360), PEDERSEN_GSIGMANEG_X_0)
            mstore(add(f, 0x380), PEDERSEN_GSIGMANEG_Y_1)
            mstore(add(f, 0x3a0), PEDERSEN_GSIGMANEG_Y_0)
            mstore(add(f, 0x3c0), mload(add(pok, 0x40)))
            mstore(add(f, 0x3e0), mload(add(pok, 0x60)))
            mstore(add(f, 0x400), PEDERSEN_G_X_1)
            mstore(add(f, 0x420), PEDERSEN_G_X_0)
            mstore(add(f, 0x440), PEDERSEN_G_Y_1)
            mstore(add(f, 0x460), PEDERSEN_G_Y_0)

            // Check pairing equation, the commitment's with it.
            success := staticcall(gas(), PRECOMPILE_VERIFY, f, 0x480, f, 0x20)`
	if strings.Count(sol, pedersen) != 1 || strings.Count(sol, gamma) != 1 {
		return "", errors.New("onchain: not gnark's Groth16 verifier of one commitment as this version writes it")
	}
	return strings.Replace(strings.Replace(sol, pedersen, batched, 1), gamma, gammaPok, 1), nil
}
