package soundness

import (
	"fmt"
	"math/big"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/lanes"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/proving"
)

// The hint-perturbation sweep plays every cheating prover a hint allows: for
// each hint call of a circuit (in the solver's order), one at a time, the
// call's outputs are replaced by every alternative below, and the solver
// must reject each. The honest run is recorded first with one solver task,
// so call i is the same call in every run.

// hintCall is one recorded call: which hint, its inputs and honest outputs.
type hintCall struct {
	id      solver.HintID
	name    string
	in, out []*big.Int
}

// alternatives returns the outputs a cheating prover could give for call c
// in the given field, other than the honest ones:
//   - for a division (fixedpoint.DivHint: num = q·d + r), the neighbouring
//     solutions (q+k, r-k·d) for k = ±1, ±2, and the field solutions with a
//     small remainder r' in {0, 1, d-1, r±1}, q' = q + (r-r')/d mod p;
//   - for a clamp (t = c + tp - tn), each other candidate c' in {c±1, c±2, lo,
//     hi, t} with the excess split to keep the relation;
//   - for a maximum, every other candidate (each input); for a one-hot
//     vector, every other one-hot vector and the zero vector; for a ReLU
//     mask, the other bit;
//   - for every hint (gnark's own included), each output moved by ±1 and ±2.
func alternatives(p *big.Int, c hintCall) [][]*big.Int {
	var alts [][]*big.Int
	with := func(vals ...*big.Int) {
		out := make([]*big.Int, len(c.out))
		for i := range out {
			out[i] = new(big.Int).Set(c.out[i])
		}
		for i, v := range vals {
			if v != nil {
				out[i] = new(big.Int).Mod(v, p)
			}
		}
		alts = append(alts, out)
	}
	add := func(x *big.Int, k int64) *big.Int { return new(big.Int).Add(x, big.NewInt(k)) }
	signed := func(x *big.Int) *big.Int { return fixedpoint.FromField(x, p) }

	for i := range c.out {
		for _, k := range []int64{-2, -1, 1, 2} {
			vals := make([]*big.Int, i+1)
			vals[i] = add(c.out[i], k)
			with(vals...)
		}
	}
	switch c.name {
	case name(fixedpoint.DivHint):
		q, r, d := c.out[0], c.out[1], c.in[1]
		for _, k := range []int64{-2, -1, 1, 2} {
			with(add(q, k), new(big.Int).Sub(r, new(big.Int).Mul(d, big.NewInt(k))))
		}
		dInv := new(big.Int).ModInverse(d, p)
		for _, r2 := range []*big.Int{big.NewInt(0), big.NewInt(1), add(d, -1), add(r, 1), add(r, -1)} {
			if r2.Sign() < 0 || r2.Cmp(d) >= 0 || r2.Cmp(r) == 0 {
				continue
			}
			k := new(big.Int).Mul(new(big.Int).Sub(r, r2), dInv)
			with(new(big.Int).Add(q, k), r2)
		}
	case name(activation.ClampHint):
		t, lo, hi, cl := signed(c.in[0]), signed(c.in[1]), signed(c.in[2]), signed(c.out[0])
		for _, c2 := range []*big.Int{add(cl, -2), add(cl, -1), add(cl, 1), add(cl, 2), lo, hi, t} {
			if c2.Cmp(cl) == 0 {
				continue
			}
			ex := new(big.Int).Sub(t, c2) // tp - tn
			if ex.Sign() >= 0 {
				with(c2, ex, big.NewInt(0))
			} else {
				with(c2, big.NewInt(0), new(big.Int).Neg(ex))
			}
		}
	case name(lanes.OpenHint):
		// 2^W moved from each lane to the next: the same packed sum
		w := new(big.Int).Lsh(big.NewInt(1), uint(c.in[0].Int64()))
		for m := 0; m+1 < len(c.out); m++ {
			for _, k := range []int64{-1, 1} {
				vals := make([]*big.Int, m+2)
				vals[m] = new(big.Int).Add(c.out[m], new(big.Int).Mul(w, big.NewInt(k)))
				vals[m+1] = add(c.out[m+1], -k)
				with(vals...)
			}
		}
	case name(lanes.DivRoundHint):
		// a lane's quotient moved by k with its remainder moved by k·d
		n, d := len(c.out)/2, c.in[1]
		for m := 0; m < n; m++ {
			for _, k := range []int64{-1, 1} {
				vals := make([]*big.Int, n+m+1)
				vals[m] = add(c.out[m], k)
				vals[n+m] = new(big.Int).Sub(c.out[n+m], new(big.Int).Mul(d, big.NewInt(k)))
				with(vals...)
			}
		}
	case name(activation.ReLUHint):
		with(new(big.Int).Sub(big.NewInt(1), c.out[0]))
	case name(softmax.MaxHint):
		for _, v := range c.in {
			if new(big.Int).Mod(v, p).Cmp(c.out[0]) != 0 {
				with(v)
			}
		}
	case name(softmax.OneHotHint):
		for k := 0; k <= len(c.out); k++ { // k == len: the zero vector
			vals := make([]*big.Int, len(c.out))
			for j := range vals {
				vals[j] = big.NewInt(0)
			}
			if k < len(c.out) {
				vals[k] = big.NewInt(1)
			}
			with(vals...)
		}
	}
	// drop the honest outputs themselves
	kept := alts[:0]
	for _, a := range alts {
		same := true
		for i := range a {
			if a[i].Cmp(c.out[i]) != 0 {
				same = false
			}
		}
		if !same {
			kept = append(kept, a)
		}
	}
	return kept
}

func name(h solver.Hint) string { return solver.GetHintName(h) }

// exempt says why a hint's outputs are not the constraints' to pin, or "":
//   - the commitment of api.Commit (the challenge of range checks, lookups and
//     Freivalds' test) is computed by the prover from the committed wires and
//     checked by the verifier's pairing: moving it in the solver only picks
//     another challenge;
//   - gnark's Randomize is that commitment's random blinding mask: any value
//     is an honest one;
//   - the inverse inside gnark's api.IsZero when its input is 0: the result
//     m is pinned by x·m = 0 and m = 1 - x·inv whatever inv is, and inv is used
//     nowhere else (for a non-zero input the inverse is pinned, and swept).
func exempt(c hintCall) string {
	switch {
	case strings.Contains(c.name, "Bsb22Commitment"):
		return "commitment"
	case strings.HasSuffix(c.name, "hints.Randomize"):
		return "mask"
	case strings.HasSuffix(c.name, "solver.InvZeroHint") && len(c.in) == 1 && c.in[0].Sign() == 0:
		return "inverse of zero"
	}
	return ""
}

// unread says which outputs of a hint call the constraints never read, so
// that moving only those is no cheat: gnark's emulated equality check
// (checkZero, under AssertIsEqual and Div) calls mulHint for a·1 = 0 + k·p
// and takes the remainder as the constant zero, leaving the hint's
// remainder outputs unused. Such a call has b = 1 on one limb and a zero
// remainder; a Reduce of a value that is 0 modulo p looks the same, and its
// remainder is then not swept.
func unread(c hintCall) []bool {
	if !strings.HasSuffix(c.name, "emulated.mulHint") || len(c.in) < 4 {
		return nil
	}
	nbLimbs, nbA, nbQuo := int(c.in[1].Int64()), int(c.in[2].Int64()), int(c.in[3].Int64())
	b := c.in[4+nbLimbs+nbA:]
	if len(b) != 1 || b[0].Cmp(big.NewInt(1)) != 0 || len(c.out) < nbQuo+nbLimbs {
		return nil
	}
	out := make([]bool, len(c.out))
	for i := nbQuo; i < nbQuo+nbLimbs; i++ {
		if c.out[i].Sign() != 0 {
			return nil
		}
		out[i] = true
	}
	return out
}

// movesOnlyUnread says whether alt differs from the call's outputs only
// where unread marks them.
func movesOnlyUnread(c hintCall, alt []*big.Int) bool {
	u := unread(c)
	if u == nil {
		return false
	}
	for i := range alt {
		if alt[i].Cmp(c.out[i]) != 0 && !u[i] {
			return false
		}
	}
	return true
}

// recordAll overrides every registered hint with a wrapper that calls the
// original and hands the call to f (which may change the outputs).
func recordAll(f func(id solver.HintID, name string, in, out []*big.Int)) []solver.Option {
	opts := []solver.Option{solver.WithNbTasks(1)}
	for _, h := range solver.GetRegisteredHints() {
		h, id, n := h, solver.GetHintID(h), solver.GetHintName(h)
		opts = append(opts, solver.OverrideHint(id, func(p *big.Int, in, out []*big.Int) error {
			if err := h(p, in, out); err != nil {
				return err
			}
			f(id, n, in, out)
			return nil
		}))
	}
	return opts
}

func solveWith(cs constraint.ConstraintSystem, assignment frontend.Circuit, opts []solver.Option) error {
	w, err := frontend.NewWitness(assignment, cs.Field())
	if err != nil {
		return err
	}
	_, err = cs.Solve(w, opts...)
	return err
}

type sweepRow struct {
	circuit                             string
	calls, exempt, alternatives, accept int
	unread                              int               // alternatives that move only outputs no constraint reads
	perHint                             map[string][2]int // hint -> calls, alternatives
}

// TestHintSweep runs the sweep over every circuit of the matrix on BN254 and
// prints a table per circuit; it fails on any accepted alternative.
func TestHintSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("the sweep solves each circuit once per alternative")
	}
	var rows []sweepRow
	for _, c := range allCases(t, ecc.BN254) {
		rows = append(rows, sweep(t, ecc.BN254, c.name, c.circuit, c.honest))
	}
	t.Log(sweepTable(rows))
}

// sweep records circuit's hint calls for the honest witness, then solves once
// per alternative of each call; every accepted alternative is a test error.
func sweep(t testing.TB, curve ecc.ID, circuitName string, circuit, honest frontend.Circuit) sweepRow {
	p := curve.ScalarField()
	cs, err := frontend.Compile(p, r1cs.NewBuilder, circuit)
	if err != nil {
		t.Fatal(err)
	}
	var calls []hintCall
	record := func(id solver.HintID, n string, in, out []*big.Int) {
		cp := func(xs []*big.Int) []*big.Int {
			o := make([]*big.Int, len(xs))
			for i := range xs {
				o[i] = new(big.Int).Set(xs[i])
			}
			return o
		}
		calls = append(calls, hintCall{id: id, name: n, in: cp(in), out: cp(out)})
	}
	if err := solveWith(cs, honest, recordAll(record)); err != nil {
		t.Fatalf("%s: honest witness rejected: %v", circuitName, err)
	}
	row := sweepRow{circuit: circuitName, calls: len(calls), perHint: map[string][2]int{}}
	type job struct {
		i   int
		alt []*big.Int
	}
	var jobs []job
	for i, call := range calls {
		short := shortHint(call.name)
		ph := row.perHint[short]
		ph[0]++
		if exempt(call) != "" {
			row.exempt++
		} else {
			for _, alt := range alternatives(p, call) {
				if movesOnlyUnread(call, alt) {
					row.unread++
					continue
				}
				jobs = append(jobs, job{i, alt})
				ph[1]++
			}
		}
		row.perHint[short] = ph
	}
	row.alternatives = len(jobs)
	// Each job solves the circuit once with one call's outputs replaced; the
	// jobs are independent, so they share the cores.
	var next, accepted atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// a compiled system keeps lookup state while it solves: one per
			// worker
			cs, err := frontend.Compile(p, r1cs.NewBuilder, circuit)
			if err != nil {
				t.Error(err)
				return
			}
			for k := next.Add(1) - 1; k < int64(len(jobs)); k = next.Add(1) - 1 {
				jb, call := jobs[k], calls[jobs[k].i]
				var n atomic.Int64
				moved := false
				cheat := recordAll(func(id solver.HintID, _ string, in, out []*big.Int) {
					if n.Add(1)-1 == int64(jb.i) && id == call.id {
						moved = true
						for j := range out {
							out[j].Set(jb.alt[j])
						}
					}
				})
				err := solveWith(cs, honest, cheat)
				if !moved {
					t.Errorf("%s: call %d is no longer %s: the solver's order changed", circuitName, jb.i, call.name)
				} else if err == nil {
					accepted.Add(1)
					t.Errorf("%s: hint call %d (%s, inputs %v) accepted outputs %v instead of %v", circuitName, jb.i, call.name, call.in, jb.alt, call.out)
				}
			}
		}()
	}
	wg.Wait()
	row.accept = int(accepted.Load())
	return row
}

// collector is a testing.TB that counts errors instead of failing.
type collector struct {
	testing.TB
	errors atomic.Int64
}

func (c *collector) Errorf(string, ...any) { c.errors.Add(1) }

// TestSweepFindsLooseHint: the sweep must catch a division whose remainder
// is not range-checked.
func TestSweepFindsLooseHint(t *testing.T) {
	col := &collector{TB: t}
	row := sweep(col, ecc.BN254, "loose division", &looseCircuit{}, &looseCircuit{V: 45, Q: 6})
	if row.accept == 0 || col.errors.Load() == 0 {
		t.Errorf("the sweep accepted none of %d alternatives of an unpinned remainder", row.alternatives)
	}
}

// looseCircuit takes q and r = v mod 7 from DivHint and checks only
// v = 7q + r: nothing bounds r, so (q+1, r-7) also solves it.
type looseCircuit struct{ V, Q frontend.Variable }

func (c *looseCircuit) Define(api frontend.API) error {
	res, err := api.Compiler().NewHint(fixedpoint.DivHint, 2, c.V, 7)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.V, api.Add(api.Mul(res[0], 7), res[1]))
	api.AssertIsDifferent(c.Q, 0)
	return nil
}

func shortHint(n string) string {
	if i := strings.LastIndex(n, "/"); i >= 0 {
		n = n[i+1:]
	}
	return n
}

func sweepTable(rows []sweepRow) string {
	var sb strings.Builder
	sb.WriteString("\nhint-perturbation sweep on bn254 (every hint call, one at a time, against every alternative output)\n")
	fmt.Fprintf(&sb, "%-20s | %6s | %6s | %12s | %8s | %s\n", "circuit", "calls", "exempt", "alternatives", "accepted", "hints (calls/alternatives)")
	tc, ta, tacc, tu := 0, 0, 0, 0
	for _, r := range rows {
		tu += r.unread
		var hs []string
		for h, v := range r.perHint {
			hs = append(hs, fmt.Sprintf("%s %d/%d", h, v[0], v[1]))
		}
		sort.Strings(hs)
		fmt.Fprintf(&sb, "%-20s | %6d | %6d | %12d | %8d | %s\n", r.circuit, r.calls, r.exempt, r.alternatives, r.accept, strings.Join(hs, ", "))
		tc, ta, tacc = tc+r.calls, ta+r.alternatives, tacc+r.accept
	}
	fmt.Fprintf(&sb, "%d hint calls, %d alternatives tried, %d accepted\n", tc, ta, tacc)
	if tu > 0 {
		fmt.Fprintf(&sb, "not tried: %d alternatives that move only the remainder of gnark's emulated zero checks, which no constraint reads (the check takes the remainder as the constant zero)\n", tu)
	}
	sb.WriteString("exempt: the commitment of api.Commit (fixed by the proof system, not the constraints), its random blinding mask (any value is honest), and the inverse inside api.IsZero of a zero input (the result is pinned; the inverse is used nowhere else)\n")
	return sb.String()
}

// TestSweepCoversEveryHint: every hint of the circuit packages
// (proving.Hints) is called by some circuit of the sweep, so none of
// them escapes its cheating outputs.
func TestSweepCoversEveryHint(t *testing.T) {
	called := map[solver.HintID]bool{}
	record := recordAll(func(id solver.HintID, _ string, _, _ []*big.Int) { called[id] = true })
	for _, c := range allCases(t, ecc.BN254) {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c.circuit)
		if err != nil {
			t.Fatal(err)
		}
		if err := solveWith(cs, c.honest, record); err != nil {
			t.Fatalf("%s: honest witness rejected: %v", c.name, err)
		}
	}
	for _, h := range proving.Hints() {
		if !called[solver.GetHintID(h)] {
			t.Errorf("no circuit of the sweep calls %s: its cheating outputs are untested", shortHint(solver.GetHintName(h)))
		}
	}
}
