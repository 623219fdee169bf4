package trainrun

import (
	"path/filepath"
	"slices"
	"time"

	"github.com/potbench/potbench/resultset"
)

// Summary is the row a verified run adds to the published tables
// (results/<host>/runs/NAME.json): the manifest's figures and the verdict's,
// with gasTx the gas of verifying every proof on chain (0: not measured).
// With an aggregate, av is its verdict.
func Summary(dir string, m *Manifest, v *Verdict, gasTx int64, av *Verdict) resultset.RunSummary {
	sum := resultset.RunSummary{Name: filepath.Base(dir), Model: m.Model, Dataset: m.Dataset.Name, Epochs: m.Epochs, Batch: m.Batch,
		Chain: m.Chain, Curve: m.Curve, Backend: m.Backend, Steps: m.Figures.Steps, Proofs: v.Proofs, SetupNs: m.Figures.SetupNs,
		ProveNs: m.Figures.ProveNs, Cores: m.Figures.Cores, PlainRunNs: m.Figures.PlainRunNs, VerifyNs: v.VerifyTime.Nanoseconds(),
		Bytes: v.Bytes, Metric: m.Figures.Metric, FixedPoint: m.Figures.FixedPoint, Float64: m.Figures.Float64, ScoreProof: m.Score != nil,
		GasTx: gasTx, Keys: m.Keys.Short(), ScoreFolded: m.Score != nil && Scored(m.Score.Shape), CircuitRevision: m.Revision}
	if a := m.Aggregate; a != nil && av != nil {
		sum.Aggregate = &resultset.AggregateSummary{Curve: a.Curve, Proofs: a.Proofs, Constraints: a.Constraints, CompileNs: a.CompileNs,
			SetupNs: a.SetupNs, ProveNs: a.ProveNs, PeakBytes: a.PeakBytes, ProofBytes: a.ProofBytes, VerifyNs: av.VerifyTime.Nanoseconds(),
			VerifyEachNs: median(v.ProofTimes).Nanoseconds()}
	}
	return sum
}

// median is the middle of ds (0 for none).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
