package trainrun

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/potbench/potbench/training"
)

// Statement is what a verified run means, line by line, for the buyer: each
// line is bound by a proof or derived by the verifier from the terms, and
// whatever is read from the prover's files without a proof is listed apart as
// not proven.
func (v *Verdict) Statement(aggregateOnly bool) string {
	t, m := v.Terms, v.Manifest
	var b strings.Builder
	line := func(term, format string, args ...any) {
		fmt.Fprintf(&b, "  %-15s %s\n", term, fmt.Sprintf(format, args...))
	}
	how := fmt.Sprintf("%d proofs (%s, %s)", v.Proofs, t.Backend, t.Curve)
	if aggregateOnly {
		how = fmt.Sprintf("one %s aggregate proof of the step and score proofs", m.Aggregate.Curve)
	}
	fmt.Fprintf(&b, "OK: %s bind every line below\n", how)
	line("model", "%s, layer widths %v", t.Model, t.Widths)
	used := v.Batches * t.Batch
	tail := ""
	if t.Train.Rows > used {
		tail = fmt.Sprintf("; its last %d rows make no whole batch and are in none", t.Train.Rows-used)
	}
	line("training set", "root %s: %d batches of %d rows (%d rows)%s", t.Train.Root, v.Batches, t.Batch, used, tail)
	line("initial model", "%s: %s", t.Initial.Describe(), hexOf(v.Initial))
	line("learning rate", "%g (fixed point %d/2^16)", t.LR, t.LRFixed)
	line("schedule", "%d epoch(s) × %d batches, every batch once per epoch in order: %d SGD steps", t.Epochs, v.Batches, v.Steps)
	line("final model", "%s, the fixed-point values in %s (its float weights are their decoding, checked)", hexOf(v.Final), m.FinalModel.File)
	switch s := v.Score; {
	case s == nil:
		line("held-out score", "none proven")
	case s.LossSum != nil && Regression(t.Model):
		line("held-out score", "mean squared error %.6g on the %d rows of the set with root %s (summed loss %s)", meanLoss(t, s), s.Rows, t.Heldout.Root, hexOf(s.LossSum))
	case s.LossSum != nil:
		line("held-out score", "%d of %d correct (accuracy %.4f), mean log-loss %.6g, on the set with root %s", s.Correct, s.Rows,
			float64(s.Correct)/float64(s.Rows), meanLoss(t, s), t.Heldout.Root)
	default:
		line("held-out score", "%d of %d correct (accuracy %.4f; a tie for the largest logit counts as wrong), on the set with root %s",
			s.Correct, s.Rows, float64(s.Correct)/float64(s.Rows), t.Heldout.Root)
	}
	if t.Target != nil {
		loss := ""
		if t.Target.MaxLossSum != "" {
			loss = ", summed loss at most " + t.Target.MaxLossSum
		}
		line("score target", "met (at least %d correct%s)", t.Target.MinCorrect, loss)
	}
	if k := v.Keys; k != nil {
		line("keys", "derived from the ceremony (record SHA-256 %s): every circuit compiled from these terms, its key recomputed from %s (check them against their public source), equal to the run's byte for byte; sound if one contributor of each phase kept no secret", short(k.Transcript), k.contributions(true))
	}
	if aggregateOnly && v.AggregateID != "" {
		line("aggregate", "its circuit compiled again from these terms with the derived step and score keys fixed in it: id %s, the manifest's", short(v.AggregateID))
	}
	b.WriteString("not proven (read from the prover's files):\n")
	if aggregateOnly && v.Keys != nil {
		line("aggregate key", "AGGREGATE KEY TRUSTED, NOT DERIVED: %s is the %s key of a one-party setup by the prover, who could forge the aggregate proof under it; the step and score proofs (verify without -aggregate) do not depend on it", m.Aggregate.VK, m.Aggregate.Curve)
	}
	if v.Keys == nil {
		line("keys", "KEYS TRUSTED, NOT DERIVED: the verifying keys in vk/ are taken as given (the manifest says: %s); whoever ran their setup can forge every proof above. Pass -ceremony DIR to derive them", m.Keys.Kind)
	}
	line("dataset", "the name %q and SHA-256 %s of its files: the root above is what binds the data", m.Dataset.Name, short(m.Dataset.SHA256))
	line("figures", "timings, the float64 twin's score (%s %.4f) and the native fixed-point score (%.4f)", m.Figures.Metric, m.Figures.Float64, m.Figures.FixedPoint)
	if len(v.Claimed) > 0 {
		b.WriteString("the manifest states otherwise, where no proof tells the two apart (the buyer's terms above hold):\n")
		for _, d := range v.Claimed {
			fmt.Fprintf(&b, "  %s\n", d)
		}
	}
	return b.String()
}

// JSON is the terms as a buyer's terms file.
func (t Terms) JSON() string {
	data, _ := json.MarshalIndent(t, "", "  ")
	return string(data) + "\n"
}

// meanLoss decodes a proven summed loss at its family's scale
// (training.Family.LossFrac).
func meanLoss(t Terms, s *ProvenScore) float64 {
	fam, _ := training.Lookup(t.Model)
	f := new(big.Float).SetInt(s.LossSum)
	f.Quo(f, new(big.Float).SetMantExp(big.NewFloat(1), fam.LossFrac))
	v, _ := f.Float64()
	return v / float64(s.Rows)
}

func short(h string) string {
	if len(h) > 18 {
		return h[:10] + "…" + h[len(h)-6:]
	}
	return h
}
