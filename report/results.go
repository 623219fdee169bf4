package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/potbench/potbench/resultset"
)

// ResultsPage renders a result set as results.md: the results table with a
// header naming the host, and the training comparison.
func ResultsPage(s *resultset.ResultSet) string {
	var b strings.Builder
	h := s.Host
	fmt.Fprintf(&b, "# potbench results: %s\n\n", h.ID())
	fmt.Fprintf(&b, "%s, %s (GOMAXPROCS %d), %s/%s, %s; gnark %s, gnark-crypto %s (assembly: %s); profile %s.\n\n",
		h.Brand, h.CoresText(), h.GOMAXPROCS, h.GOOS, h.GOARCH, h.GoVersion, h.Gnark, h.GnarkCrypto,
		strings.Join(h.GnarkCryptoASM, ","), s.Profile)
	b.WriteString("| workload | curve/backend | constraints | constraints/elem | setup | witness | prove | verify | proof | plain step | overhead-x | plain (gonum) | overhead-x (gonum) | peak mem (prove) | verify gas (tx) |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var fhe []resultset.Result
	for _, r := range s.Results {
		if r.IsFHE() {
			fhe = append(fhe, r)
			continue
		}
		setup := resultset.Duration(r.SetupNs)
		if r.SetupCached {
			setup += " (cached)"
		}
		blas, blasX := "–", "–"
		if r.PlainBLASNs > 0 {
			blas, blasX = resultset.Duration(int64(r.PlainBLASNs)), resultset.Factor(r.OverheadBLASX())
		}
		gas := "–"
		if r.VerifyTxGas > 0 {
			gas = fmt.Sprint(r.VerifyTxGas)
		}
		fmt.Fprintf(&b, "| %s | %s/%s | %d | %.2f | %s | %s | %s | %s | %d B | %s | %s | %s | %s | %s | %s |\n",
			r.Workload, r.Curve, r.Backend, r.Constraints, r.ConstraintsPerElem(), setup,
			resultset.Duration(r.WitnessNs), resultset.Duration(r.ProveNs), resultset.Duration(r.VerifyNs), r.ProofBytes,
			resultset.Duration(int64(r.PlainNs)), resultset.Factor(r.OverheadX()), blas, blasX, resultset.Bytes(r.PeakProveB), gas)
	}
	if len(fhe) > 0 {
		b.WriteString("\n## Under homomorphic encryption\n\n")
		b.WriteString("The same steps computed on encrypted data (CKKS) instead of proven: key generation, encryption of the batch and the model, the encrypted step, decryption. ")
		b.WriteString("Error is the decrypted model's largest difference from the float64 step with the exact activation; noise, from the float64 step with the activation computed under encryption (CKKS alone).\n\n")
		b.WriteString("Rotations and levels are per step (key-switched rotations; one Galois key each); former is the same step in the former layout (blocks, a mask and a replication) on the same batch.\n\n")
		b.WriteString("| workload | parameters | rotations | levels | key generation | encrypt | encrypted step | former | decrypt | ciphertexts | evaluation keys | plain step | overhead-x | plain (gonum) | overhead-x (gonum) | peak mem (step) | error | noise |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, r := range fhe {
			blas, blasX := "–", "–"
			if r.PlainBLASNs > 0 {
				blas, blasX = resultset.Duration(int64(r.PlainBLASNs)), resultset.Factor(r.OverheadBLASX())
			}
			rot, lev, former := "–", "–", "–"
			if r.FHERotations > 0 {
				rot, lev = fmt.Sprint(r.FHERotations), fmt.Sprint(r.FHELevels)
			}
			if r.FHEFormerNs > 0 {
				former = resultset.Duration(r.FHEFormerNs)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2g | %.2g |\n", r.Workload, r.FHEParams, rot, lev,
				resultset.Duration(r.SetupNs), resultset.Duration(r.WitnessNs), resultset.Duration(r.ProveNs), former, resultset.Duration(r.VerifyNs),
				resultset.Bytes(r.ProofBytes), resultset.Bytes(r.PKBytes), resultset.Duration(int64(r.PlainNs)), resultset.Factor(r.OverheadX()),
				blas, blasX, resultset.Bytes(r.PeakProveB), r.FHEError, r.FHENoise)
		}
	}
	if len(s.Training) > 0 {
		withFHE := slices.ContainsFunc(s.Training, func(t resultset.Training) bool { return t.FHE > 0 })
		b.WriteString("\n## Training on real data: fixed point (what the circuits prove) against float64\n\n")
		if withFHE {
			b.WriteString("FHE: the same training with every step computed on CKKS ciphertexts (the batches encrypted; the key holder decrypts and re-encrypts the model between steps, in place of bootstrapping).\n\n")
			b.WriteString("| model | dataset | epochs | batch | lr | train/test rows | metric | fixed point | float64 | FHE (CKKS) |\n|---|---|--:|--:|--:|--:|---|--:|--:|--:|\n")
		} else {
			b.WriteString("| model | dataset | epochs | batch | lr | train/test rows | metric | fixed point | float64 |\n|---|---|--:|--:|--:|--:|---|--:|--:|\n")
		}
		for _, t := range s.Training {
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %g | %d/%d | test %s | %.4f | %.4f |", t.Model, t.Dataset, t.Epochs, t.Batch, t.LR,
				t.TrainRows, t.TestRows, t.Metric, t.FixedPoint, t.Float64)
			switch {
			case !withFHE:
			case t.FHE > 0:
				fmt.Fprintf(&b, " %.4f |", t.FHE)
			default:
				b.WriteString(" – |")
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\noverhead-x = prove time / plain float64 training step on the same batch (naive Go loops; \"gonum\": gonum/mat, BLAS-backed), measured in the same run.\n")
	return b.String()
}

// WriteSet writes a result set's directory: its data files (benchmark names
// from benchName) and results.md, each atomically.
func WriteSet(dir string, s *resultset.ResultSet, benchName func(workload string) string) error {
	files, err := s.Files(benchName)
	if err != nil {
		return err
	}
	return resultset.WriteDir(dir, append(files, resultset.File{Name: "results.md", Data: []byte(ResultsPage(s))}))
}
