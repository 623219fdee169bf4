package resultset

import "github.com/consensys/gnark-crypto/ecc"

// ReferenceSystem is the proving system the headline figures use.
const ReferenceSystem = "groth16"

// System names the proving system of a result: the backend, followed by the
// curve when it is not BN254 ("groth16", "plonk", "groth16 bls12_381").
func (r Result) System() string {
	if r.Curve == "" || r.Curve == ecc.BN254.String() {
		return r.Backend
	}
	return r.Backend + " " + r.Curve
}

// Result holds one workload's measured figures. Times are nanoseconds; a
// stage not run is zero.
type Result struct {
	Workload     string   `json:"workload"`
	Curve        string   `json:"curve"`
	Backend      string   `json:"backend"`
	Constraints  int      `json:"constraints"`
	Elements     int      `json:"elements"`
	PublicInputs int      `json:"public_inputs"`
	CompileNs    int64    `json:"compile_ns"`
	SetupNs      int64    `json:"setup_ns"`
	SetupCached  bool     `json:"setup_cached"`
	WitnessNs    int64    `json:"witness_ns"`
	ProveNs      int64    `json:"prove_ns"`
	VerifyNs     int64    `json:"verify_ns"`
	PlainNs      float64  `json:"plain_ns"`
	PlainBLASNs  float64  `json:"plain_blas_ns,omitempty"`
	ProofBytes   int64    `json:"proof_bytes"`
	PKBytes      int64    `json:"pk_bytes"`
	VKBytes      int64    `json:"vk_bytes"`
	PeakSetupB   int64    `json:"peak_setup_bytes"`
	PeakProveB   int64    `json:"peak_prove_bytes"`
	Samples      []Sample `json:"samples,omitempty"`
	EpochSteps   int      `json:"epoch_steps,omitempty"`   // proofs per epoch of the workload's real dataset; 0: none
	VerifyGas    int64    `json:"verify_gas,omitempty"`    // gnark's Solidity verifier in an EVM: execution (BN254 Groth16)
	VerifyTxGas  int64    `json:"verify_tx_gas,omitempty"` // the whole verifying transaction

	// Homomorphic encryption (Backend FHEBackend): the stages are key
	// generation (setup), encryption (witness), the encrypted step (prove)
	// and decryption (verify); ProofBytes is the ciphertexts', PKBytes the
	// evaluation keys', VKBytes the secret key's.
	FHEParams string  `json:"fhe_params,omitempty"` // the parameter set and its security
	FHEError  float64 `json:"fhe_error,omitempty"`  // largest error of the decrypted model against the float64 step
	FHENoise  float64 `json:"fhe_noise,omitempty"`  // the part of it from CKKS: against float64 with the same activation
	// The step's shape: key-switched rotations, levels consumed, Galois
	// keys generated; and the same step in the former layout on the same
	// batch, timed in the same run (0: not measured).
	FHERotations  int   `json:"fhe_rotations,omitempty"`
	FHELevels     int   `json:"fhe_levels,omitempty"`
	FHEGaloisKeys int   `json:"fhe_galois_keys,omitempty"`
	FHEFormerNs   int64 `json:"fhe_former_ns,omitempty"`
	// FHEActivation describes the activation computed under encryption
	// (logistic regression's polynomial sigmoid: fit, error, levels).
	FHEActivation string `json:"fhe_activation,omitempty"`
}

// FHEFormerX is the former layout's step time over this one's: how much
// faster the current packing is.
func (r Result) FHEFormerX() float64 {
	if r.ProveNs <= 0 || r.FHEFormerNs <= 0 {
		return 0
	}
	return float64(r.FHEFormerNs) / float64(r.ProveNs)
}

// FHEBackend is the backend of results measured under homomorphic
// encryption rather than proven.
const FHEBackend = "ckks"

// IsFHE says whether r was measured under homomorphic encryption.
func (r Result) IsFHE() bool { return r.Backend == FHEBackend }

// OverheadX is prove time over plain step time.
func (r Result) OverheadX() float64 {
	if r.PlainNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / r.PlainNs
}

// OverheadBLASX is prove time over the gonum (BLAS) plain step; 0 when the
// workload has no such baseline.
func (r Result) OverheadBLASX() float64 {
	if r.PlainBLASNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / r.PlainBLASNs
}

// ConstraintsPerElem is constraints per unit of training work.
func (r Result) ConstraintsPerElem() float64 {
	if r.Elements == 0 {
		return 0
	}
	return float64(r.Constraints) / float64(r.Elements)
}

// Sample is one proof's per-run figures.
type Sample struct {
	WitnessNs  int64   `json:"witness_ns"`
	ProveNs    int64   `json:"prove_ns"`
	VerifyNs   int64   `json:"verify_ns"`
	PlainNs    float64 `json:"plain_ns"`
	PlainBLAS  float64 `json:"plain_blas_ns,omitempty"`
	PeakProveB int64   `json:"peak_prove_bytes"`
}

// PerSample returns r once per sample with that sample's stage figures (r
// itself when it has no samples): one benchmark line each.
func (r Result) PerSample() []Result {
	if len(r.Samples) == 0 {
		return []Result{r}
	}
	out := make([]Result, len(r.Samples))
	for i, s := range r.Samples {
		one := r
		one.Samples = nil
		one.WitnessNs, one.ProveNs, one.VerifyNs, one.PlainNs, one.PlainBLASNs, one.PeakProveB = s.WitnessNs, s.ProveNs, s.VerifyNs, s.PlainNs, s.PlainBLAS, s.PeakProveB
		out[i] = one
	}
	return out
}

// OverheadOver is r's prove time over another measurement of the plain
// step.
func (r Result) OverheadOver(plainNs float64) float64 {
	if plainNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / plainNs
}
