package trainrun

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/internal/safedecode"
)

// Format names the layout of a run directory.
const Format = "potbench-run/2"

// Manifest is manifest.json: everything a verifier needs besides the
// verifying keys, the proofs and the final model, which it names.
type Manifest struct {
	Format  string `json:"format"`
	Model   string `json:"model"`
	Widths  []int  `json:"widths"` // layer widths: features, then hidden units and classes where the family has them
	Dataset struct {
		Name        string `json:"name"`
		SHA256      string `json:"sha256"`       // of the vendored files
		TrainRows   int    `json:"train_rows"`   // batches per epoch: TrainRows / Batch, bound by the root
		TestRows    int    `json:"test_rows"`    // bound by the score proof
		Root        string `json:"root"`         // training set commitment
		HeldoutRoot string `json:"heldout_root"` // held-out set commitment; empty without a score proof
	} `json:"dataset"`
	Epochs  int     `json:"epochs"`
	Batch   int     `json:"batch"`
	LR      float64 `json:"lr"`
	LRFixed int64   `json:"lr_fixed"` // the learning rate the proofs bind (16 fractional bits)
	Seed    uint64  `json:"seed"`     // of the data shuffle and, for the MLP, the initial model
	Chain   int     `json:"chain"`    // steps per proof (remainders of an epoch proven step by step)
	Order   string  `json:"order"`    // "sequential": every epoch visits batches 0, 1, ..., TrainRows/Batch-1
	// Revision is the circuits' revision (training.LatestRevision); absent:
	// revision 1, the circuits of runs made before revision 2
	Revision int `json:"circuit_revision,omitempty"`

	ModelDomain  commit.Domain `json:"model_domain"` // what the model commitments commit to (derived again by verify)
	InitialModel struct {
		Kind       string `json:"kind"` // zero, seeded or commitment (Initial)
		Seed       uint64 `json:"seed,omitempty"`
		Commitment string `json:"commitment"`
		How        string `json:"how"`
	} `json:"initial_model"`
	FinalModel struct {
		File       string `json:"file"`
		SHA256     string `json:"sha256"`
		Commitment string `json:"commitment"`
	} `json:"final_model"`

	Curve       string `json:"curve"`
	Backend     string `json:"backend"`
	Gnark       string `json:"gnark"`
	GnarkCrypto string `json:"gnark_crypto"`

	Keys     KeySource `json:"keys"` // where the verifying keys come from (checked only by verify -ceremony)
	Circuits []Circuit `json:"circuits"`
	Proofs   []Proof   `json:"proofs"`
	Score    *Score    `json:"score,omitempty"`

	Aggregate *Aggregate `json:"aggregate,omitempty"` // one proof of the whole run (-aggregate)

	Figures Figures `json:"figures"`
}

// Circuit is one circuit shape of the run with its verifying key.
type Circuit struct {
	Shape       string `json:"shape"` // "step", "chain-4", "score"
	Describe    string `json:"describe"`
	ID          string `json:"id"` // SHA-256 of the compiled constraint system
	Constraints int    `json:"constraints"`
	Public      int    `json:"public"` // public inputs
	VK          string `json:"vk"`     // file
	VKSHA256    string `json:"vk_sha256"`
}

// Proof is one proof: which steps it covers and its public inputs.
type Proof struct {
	Index     int      `json:"index"`
	Shape     string   `json:"shape"`
	FirstStep int      `json:"first_step"`
	Steps     int      `json:"steps"`
	File      string   `json:"file"`
	SHA256    string   `json:"sha256"`
	Public    []string `json:"public"` // hex field elements, in the circuit's order
	WitnessNs int64    `json:"witness_ns"`
	ProveNs   int64    `json:"prove_ns"`
}

// Score is the proof of the final model's held-out score.
type Score struct {
	Proof
	Metric     string  `json:"metric"`
	LossSum    string  `json:"loss_sum,omitempty"` // summed loss (linreg, logreg); a class score proves only correct answers
	Correct    int64   `json:"correct"`
	FixedPoint float64 `json:"fixed_point"` // the score computed natively (accuracy or MSE)
	Float64    float64 `json:"float64"`     // the float64 twin's
}

// Figures are the run's costs, measured while it was made.
type Figures struct {
	Steps       int     `json:"steps"`
	ProofsCount int     `json:"proofs"`
	SetupNs     int64   `json:"setup_ns"`
	ProveNs     int64   `json:"prove_ns"` // every proof, score included
	Cores       int     `json:"cores"`    // GOMAXPROCS while proving
	PlainRunNs  int64   `json:"plain_run_ns"`
	TrainNs     int64   `json:"train_ns"` // the native fixed-point run (the trace)
	Metric      string  `json:"metric"`
	FixedPoint  float64 `json:"fixed_point"`
	Float64     float64 `json:"float64"`
}

// FinalModel is model.json.
type FinalModel struct {
	Model      string    `json:"model"`
	Values     []int64   `json:"values"` // fixed point, as committed
	Float      []float64 `json:"float"`
	Commitment string    `json:"commitment"`
}

func hexOf(v *big.Int) string { return "0x" + v.Text(16) }

func parseHex(s string) (*big.Int, error) {
	if len(s) < 3 || s[:2] != "0x" {
		return nil, fmt.Errorf("%q is not a 0x-prefixed hex number", s)
	}
	v, ok := new(big.Int).SetString(s[2:], 16)
	if !ok {
		return nil, fmt.Errorf("%q is not a hex number", s)
	}
	return v, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeJSON writes v as indented JSON, atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// ReadManifest reads a run directory's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, "manifest.json")
	data, err := safedecode.ReadFile(path, maxManifestBytes, "manifest")
	if err != nil {
		return nil, err
	}
	return ParseManifest(path, data)
}
