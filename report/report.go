package report

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
)

// Claim is the overhead the report measures against: "privacy-preserving
// compute is 1000x slower".
const Claim = 1000.0

// Options configure a report.
type Options struct {
	PricePerCoreHour float64                           // USD per core-hour for the cost model
	GasPrice         resultset.GasPrice                // money per gas; the zero value: resultset.DefaultGasPrice
	Runs             map[string][]resultset.RunSummary // proven training runs by host (Write reads them)
	Paths            []AggregationPath                 // aggregation curve paths by host (Write reads them)
	FHEChains        []AggregationPath                 // encrypted chains with bootstrapping by host (Write reads them)
	Ceremonies       []AggregationPath                 // the ceremony's cost by host (Write reads them)
	FHETraining      []HostTraining                    // training under encryption, by host (Write reads them)
}

// HostTraining is a training comparison measured on a host.
type HostTraining struct {
	Host string
	resultset.Training
}

// readFHETraining collects the training comparisons that include encrypted
// training, from every host's native results.
func readFHETraining(root string) ([]HostTraining, error) {
	locs, err := resultset.Find(root)
	if err != nil {
		return nil, err
	}
	var out []HostTraining
	for _, l := range locs {
		if l.Profile != "native" {
			continue
		}
		s, err := resultset.Read(l.Path)
		if err != nil {
			return nil, err
		}
		for _, t := range s.Training {
			if t.FHE > 0 {
				out = append(out, HostTraining{Host: l.Host, Training: t})
			}
		}
	}
	return out, nil
}

// DefaultPricePerCoreHour is an on-demand cloud price per vCPU-hour of a
// compute-optimised x86 instance (documented in the README).
const DefaultPricePerCoreHour = 0.05

// Entry is one stored result with where it came from.
type Entry struct {
	Host, Profile string
	Cores         int    // GOMAXPROCS of the run
	System        string // backend, and curve when not BN254 (Result.System)
	resultset.Result
}

// Load reads every results/<host>/<profile>/results.json under root, in a
// fixed order.
func Load(root string) ([]Entry, error) {
	locs, err := resultset.Find(root)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, l := range locs {
		s, err := resultset.Read(l.Path)
		if err != nil {
			return nil, err
		}
		for _, r := range s.Results {
			out = append(out, Entry{Host: l.Host, Profile: l.Profile, Cores: s.Host.GOMAXPROCS, System: r.System(), Result: r})
		}
	}
	if len(out) == 0 {
		return nil, resultset.ErrNoResults(root)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Profile != b.Profile {
			return hwprofiles.Rank(a.Profile) < hwprofiles.Rank(b.Profile)
		}
		if a.System != b.System {
			return a.System < b.System
		}
		return resultset.LessWorkload(a.Workload, b.Workload)
	})
	return out, nil
}

// group is the results of one (host, profile, backend, family).
type group struct {
	Host, Profile, System, Family string
	Curve                         ecc.ID
	Backend                       string
	Cores                         int
	Entries                       []Entry
}

func groups(es []Entry) []group {
	var out []group
	idx := map[string]int{}
	for _, e := range es {
		k := strings.Join([]string{e.Host, e.Profile, e.System, resultset.Family(e.Workload)}, "|")
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			curve, err := curves.Parse(e.Curve)
			if err != nil {
				curve = ecc.BN254 // results written before curves were recorded
			}
			out = append(out, group{Host: e.Host, Profile: e.Profile, System: e.System, Curve: curve, Backend: e.Backend,
				Family: resultset.Family(e.Workload), Cores: e.Cores})
		}
		out[i].Entries = append(out[i].Entries, e)
	}
	return out
}

// minFitSizes is the fewest distinct sizes a family needs before the report
// fits a law to it: two points always fit exactly and say nothing.
const minFitSizes = 3

func (g group) linear(x func(Entry) float64, y func(Entry) float64) (Linear, error) {
	if len(g.Entries) < minFitSizes {
		return Linear{}, fmt.Errorf("fit: %d sizes, need %d", len(g.Entries), minFitSizes)
	}
	var xs, ys []float64
	for _, e := range g.Entries {
		xs, ys = append(xs, x(e)), append(ys, y(e))
	}
	return FitLinear(xs, ys)
}

func (g group) fit(x func(Entry) float64, y func(Entry) float64) (PowerLaw, error) {
	if len(g.Entries) < minFitSizes {
		return PowerLaw{}, fmt.Errorf("fit: %d sizes, need %d", len(g.Entries), minFitSizes)
	}
	var xs, ys []float64
	for _, e := range g.Entries {
		xs, ys = append(xs, x(e)), append(ys, y(e))
	}
	return FitPowerLaw(xs, ys)
}

func constraints(e Entry) float64 { return float64(e.Constraints) }
func elements(e Entry) float64    { return float64(e.Elements) }
func proveNs(e Entry) float64     { return float64(e.ProveNs) }
func overhead(e Entry) float64    { return e.OverheadX() }

// splitFHE separates results measured under homomorphic encryption from
// proven ones: the circuit sections read only the latter.
func splitFHE(es []Entry) (zk, fhe []Entry) {
	for _, e := range es {
		if e.IsFHE() {
			fhe = append(fhe, e)
		} else {
			zk = append(zk, e)
		}
	}
	return zk, fhe
}

// Markdown renders the whole report.
func Markdown(all []Entry, opt Options) string {
	es, enc := splitFHE(all)
	var b strings.Builder
	b.WriteString("# potbench report\n\n")
	b.WriteString("Generated by `potbench report` from the stored results under `results/`; nothing here is typed by hand. ")
	b.WriteString("overhead-x is prove time over the plain float64 training step on the same batch, measured in the same run; ")
	fmt.Fprintf(&b, "the claim it is held against is \"privacy-preserving compute is %.0fx slower\".\n\n", Claim)
	b.WriteString(Headline(all, opt.Runs))
	b.WriteString("\n![overhead vs training work](plots/overhead.png)\n")
	verdict(&b, es)
	privacy(&b, es, enc)
	fheTraining(&b, opt.FHETraining)
	fheChain(&b, opt.FHEChains)
	scaling(&b, es)
	frontier(&b, es)
	cost(&b, es, opt)
	onChain(&b, es, opt.gasPrice())
	provenRuns(&b, opt)
	aggregation(&b, opt)
	aggregationPaths(&b, opt.Paths)
	rootOfTrust(&b, opt.Ceremonies)
	settlement(&b, opt)
	curvesSection(&b, es)
	b.WriteString("\n## Plots\n\n- `plots/overhead.svg`: overhead-x against training work per step (log-log), one line per host and profile.\n")
	b.WriteString("- `plots/stages-<host>.svg`: time per stage for each workload on the host's native profile.\n")
	b.WriteString("- `plots/profiles-<host>.svg`: prove time of each workload under each profile.\n")
	return b.String()
}

// Headline is the short summary that also opens the README.
func Headline(all []Entry, runs map[string][]resultset.RunSummary) string {
	es, enc := splitFHE(all)
	var b strings.Builder
	b.WriteString("| host | workload | constraints | prove | verify | plain step | overhead-x | vs the 1000x claim |\n|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, g := range groups(es) {
		if g.Profile != "native" || g.System != resultset.ReferenceSystem {
			continue
		}
		e := g.Entries[len(g.Entries)-1] // the largest size
		fmt.Fprintf(&b, "| %s (%d cores) | %s | %d | %s | %s | %s | %s | %s |\n", e.Host, e.Cores, e.Workload, e.Constraints,
			resultset.Duration(e.ProveNs), resultset.Duration(e.VerifyNs), resultset.Duration(int64(e.PlainNs)), resultset.Factor(e.OverheadX()),
			vsClaim(e.OverheadX()))
	}
	for _, g := range groups(enc) { // the same steps under homomorphic encryption
		if g.Profile != "native" {
			continue
		}
		e := g.Entries[len(g.Entries)-1]
		fmt.Fprintf(&b, "| %s (%d cores) | %s (encrypted, not proven) | – | %s (the step) | %s (decrypt) | %s | %s | %s |\n", e.Host, e.Cores, e.Workload,
			resultset.Duration(e.ProveNs), resultset.Duration(e.VerifyNs), resultset.Duration(int64(e.PlainNs)), resultset.Factor(e.OverheadX()), vsClaim(e.OverheadX()))
	}
	for _, host := range sortedHosts(runs) {
		// the costliest run proven step by step: the whole-run denominator
		var top *resultset.RunSummary
		for i, r := range runs[host] {
			if r.Chain == 1 && r.Backend == resultset.ReferenceSystem && (top == nil || r.ProveNs > top.ProveNs) {
				top = &runs[host][i]
			}
		}
		if top != nil {
			fmt.Fprintf(&b, "| %s (%d cores) | whole run: %s on %s, %d epoch(s), %d steps | – | %s | %s | %s (the run) | %s | %s |\n", host, top.Cores,
				top.Model, top.Dataset, top.Epochs, top.Steps, resultset.Duration(top.ProveNs), resultset.Duration(top.VerifyNs),
				resultset.Duration(top.PlainRunNs), resultset.Factor(top.OverheadX()), vsClaim(top.OverheadX()))
		}
	}
	return b.String()
}

func sortedHosts(runs map[string][]resultset.RunSummary) []string {
	var hosts []string
	for h := range runs {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	return hosts
}

func (o Options) gasPrice() resultset.GasPrice {
	if o.GasPrice == (resultset.GasPrice{}) {
		return resultset.DefaultGasPrice
	}
	return o.GasPrice
}

// onChain is the gas of verifying each workload's proof with gnark's Solidity
// verifier (potbench gas), where it was measured, and how it grows with the
// public inputs.
func onChain(b *strings.Builder, es []Entry, price resultset.GasPrice) {
	var rows []string
	fits := map[string][2][]float64{}
	var backends []string
	for _, e := range es {
		if e.VerifyTxGas > 0 {
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %d | %d | %d | %s |\n", e.Host, e.Profile, e.Backend, e.Workload, e.PublicInputs,
				e.VerifyGas, e.VerifyTxGas, resultset.Dollars(price.USD(e.VerifyTxGas))))
			f, ok := fits[e.Backend]
			if !ok {
				backends = append(backends, e.Backend)
			}
			fits[e.Backend] = [2][]float64{append(f[0], float64(e.PublicInputs)), append(f[1], float64(e.VerifyGas))}
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## On-chain verification\n\n")
	b.WriteString("Gas of verifying one proof with gnark's exported Solidity verifier (Groth16: `verifyProof`, PLONK: `Verify`), compiled with solc-js and run in go-ethereum's EVM under mainnet's Osaka rules (`potbench gas`): the execution, and the whole transaction (21,000 base and the calldata). ")
	fmt.Fprintf(b, "Money at %s (`-gas-price-gwei`, `-eth-usd`; the defaults' sources are in the README). ", price)
	b.WriteString("Every circuit here has exactly one Groth16 commitment, the one gnark's Solidity template supports.\n\n")
	for _, be := range backends {
		if l, err := FitLinear(fits[be][0], fits[be][1]); err == nil {
			fmt.Fprintf(b, "- %s: execution gas ≈ %.0f + %.0f per public input (R²=%.3f, n=%d); it does not depend on the circuit's size.\n", be, l.Intercept, l.Slope, l.R2, l.N)
		}
	}
	b.WriteString("\n| host | profile | backend | workload | public inputs | execution gas | transaction gas | transaction |\n|---|---|---|---|--:|--:|--:|--:|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
}

// aggregation is the section on whole runs proven again as one proof
// (potbench train -aggregate).
func aggregation(b *strings.Builder, opt Options) {
	var rows []string
	for _, host := range sortedHosts(opt.Runs) {
		for _, r := range opt.Runs[host] {
			a := r.Aggregate
			if a == nil || a.Proofs == 0 {
				continue
			}
			breakEven := "–"
			if a.VerifyEachNs > 0 {
				breakEven = fmt.Sprint(int(math.Ceil(float64(a.VerifyNs) / float64(a.VerifyEachNs))))
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s / %s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", host, r.Name, r.Model, r.Dataset,
				a.Proofs, a.Constraints, a.Constraints/a.Proofs, resultset.Duration(a.SetupNs), resultset.Duration(a.ProveNs),
				resultset.Duration(a.ProveNs/int64(a.Proofs)), resultset.Bytes(a.PeakBytes), resultset.Bytes(a.ProofBytes),
				resultset.Duration(a.VerifyNs), resultset.Duration(a.VerifyEachNs*int64(a.Proofs)), breakEven))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n### One proof per run (aggregation)\n\n")
	b.WriteString("The same run proven again as one proof (`potbench train -curve bls12-377 -aggregate`): a BW6-761 Groth16 circuit verifies every BLS12-377 step proof and the score proof with gnark's recursive verifier and checks their links (one dataset root, the batch schedule, the learning rate, the chain of models, the score of the final model) inside the circuit; `potbench verify -aggregate` checks it with the statement alone. ")
	b.WriteString("Verify (each) is the run's proofs verified one by one natively; break-even is the number of proofs from which one aggregate verifies faster than the proofs it replaces. ")
	b.WriteString("BW6-761 has no EVM precompile, so this aggregate is not checked on Ethereum; the BN254-in-BN254 path that an EVM could check emulates the pairing (next table).\n\n")
	b.WriteString("| host | run | model / dataset | inner proofs | constraints | per inner proof | setup | prove | prove per inner proof | peak memory | proof | verify aggregate | verify each (all) | break-even |\n")
	b.WriteString("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
}

// settlement is the section on paying for a proven run through the escrow
// contract (potbench settle), against the claim that trustless escrow on a
// chain is impossible or too dear.
func settlement(b *strings.Builder, opt Options) {
	price := opt.gasPrice()
	var rows, deliveries []string
	lo, hi := int64(math.MaxInt64), int64(0) // gas of a whole settlement
	gas := func(g int64) string { return fmt.Sprintf("%d (%s)", g, resultset.Dollars(price.USD(g))) }
	for _, host := range sortedHosts(opt.Runs) {
		for _, r := range opt.Runs[host] {
			if r.SettleGasTx == 0 || r.Proofs == 0 || r.Steps == 0 {
				continue
			}
			lo, hi = min(lo, r.SettleGasTx), max(hi, r.SettleGasTx)
			deploy, delivered := "–", "no (settled before delivery)"
			if r.DeployGas > 0 {
				deploy = gas(r.DeployGas)
			}
			if d := r.Settlement; d != nil {
				delivered = "yes"
				if !d.Delivered {
					delivered = "NOT DELIVERED"
				}
				deliveries = append(deliveries, fmt.Sprintf("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %s |\n", host, r.Name, d.OfferGasTx, d.ProveGasTx, d.DeliverGasTx,
					d.DeliveryVerifyGas, d.SettleGasTx, d.CipherElements, d.DeliveryConstraints, time.Duration(d.DeliveryProveNs).Round(time.Millisecond)))
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s / %s | %d | %d | %d | %s | %d | %s | %s | %s |\n", host, r.Name, r.Model, r.Dataset, r.Steps, r.Proofs,
				r.SettleTxs, gas(r.SettleGasTx), r.SettleGasTx/int64(r.Steps), resultset.Dollars(price.USD(r.SettleGasTx)/float64(r.Steps)), delivered, deploy))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Settlement: escrow for a proven model\n\n")
	b.WriteString("The claim tested: trustless escrow of data or models through smart contracts is impossible, and on-chain actions cost too much. ")
	b.WriteString("`contracts/Settlement.sol` is such an escrow: a buyer locks a payment for a model trained on a committed dataset from a committed initial model with a stated learning rate and schedule that reaches a stated held-out score; ")
	b.WriteString("the contract keeps the offer's terms as their keccak-256 hash (the terms are in the `Offered` event; each later call restates them and is refused if they hash otherwise); ")
	b.WriteString("the seller submits the run's step proofs (in as few transactions as the 2^24 gas cap per transaction of EIP-7825 allows); ")
	b.WriteString("the contract verifies each through gnark's verifier and checks the links between them (one dataset root, the batch schedule, the learning rate, each proof starting from the model the last reached). ")
	b.WriteString("The seller then delivers: the score proof of the final model on the held-out set (unless the run's last chain proof carries the score, `-fold-score`: that proof goes to `proveScored` and is verified once), the final model encrypted under a key, the key's SHA-256 and a proof that the ciphertext decrypts to the scored model, made for this offer and seller; ")
	b.WriteString("settle reveals the key, the contract checks it against the digest and pays. ")
	b.WriteString("`potbench settle` runs it in go-ethereum's EVM on the run directories above; the payment reaching the seller and the buyer decrypting the exact final model from the chain's events are checked. ")
	fmt.Fprintf(b, "Gas is every transaction of one settlement together; money at %s. Deploying the contract and the verifiers (the delivery verifier's included) is paid once for every offer of the same statement shape: its own column (– where the run was settled before it was recorded). ", price)
	b.WriteString("Rows marked \"settled before delivery\" were measured with the earlier contract, whose settle carried the score proof and delivered nothing.\n\n")
	b.WriteString("| host | run | model / dataset | steps | proofs | transactions | settlement gas | gas per step | per step | model delivered | deployment, once |\n|---|---|---|--:|--:|--:|--:|--:|--:|---|--:|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
	if len(deliveries) > 0 {
		b.WriteString("\nEach transaction of a settlement with delivery, in gas. Deliver carries the score proof, the ciphertext and the delivery proof; ")
		b.WriteString("its delivery verifier column is that verifier's call alone, measured on its own: with the settle transaction, about what the delivery adds to a settlement. ")
		b.WriteString("The delivery circuit (SHA-256 of the key, the model's commitment and its Poseidon2 keystream) is proven by the seller once per offer; its keys are the buyer's own setup.\n\n")
		b.WriteString("| host | run | offer | prove (all) | deliver | of which delivery verifier | settle (key) | ciphertext elements | delivery constraints | delivery prove |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, r := range deliveries {
			b.WriteString(r)
		}
	}
	sales(b, opt)
	fmt.Fprintf(b, "\nVerdict: escrow on a proof of training, with the model delivered by fair exchange, works on today's Ethereum rules and its cost is measured: a whole settlement above costs %d to %d gas (%s to %s). ",
		lo, hi, resultset.Dollars(price.USD(lo)), resultset.Dollars(price.USD(hi)))
	b.WriteString("Each step proof adds one verification (the prove column); the offer, the delivery and the key are paid once per settlement. Chaining steps (K per proof, or one proof per epoch) and one aggregated proof per run cut the first part. ")
	b.WriteString("A caller must forward enough gas: the contract caps each verifier call at 500,000 gas (8,000 more per public input above 8; a malformed proof point makes the pairing precompile consume all gas forwarded to it) and refuses to start a verification with less left, so an honest proof never fails for want of gas.\n")
}

// sales is the subsection on selling a run's final model in one
// transaction (potbench sell, contracts/Sale.sol).
func sales(b *strings.Builder, opt Options) {
	price := opt.gasPrice()
	var rows []string
	under, total, blobs := 0, 0, 0
	for _, host := range sortedHosts(opt.Runs) {
		for _, r := range opt.Runs[host] {
			for _, s := range []*resultset.SaleSummary{r.Sale, r.SaleBlob} {
				if s == nil {
					continue
				}
				total++
				if s.TotalGasTx <= saleGoal {
					under++
				}
				delivered := "yes"
				if !s.Delivered {
					delivered = "NOT DELIVERED"
				}
				carried := "calldata"
				if s.Blobs > 0 {
					carried = fmt.Sprintf("%d blob (%d blob gas)", s.Blobs, s.BlobGas)
					blobs++
				}
				rows = append(rows, fmt.Sprintf("| %s | %s | %s / %s | %d | %d | %d | %d | %s | %d | %d | %d | %d (%s) | %s | %d |\n", host, r.Name, r.Model, r.Dataset, r.Steps,
					s.Constraints, s.Inputs, s.Elements, carried, s.OfferGasTx, s.SellGasTx, s.VerifyGas, s.TotalGasTx, resultset.Dollars(price.USD(s.TotalGasTx)), delivered, s.DeployGas))
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n### One transaction: a run proven in one proof, sold\n\n")
	b.WriteString("`contracts/Sale.sol` with `potbench sell`: the run (proven in one proof with its score, `-chain run -fold-score`) proven again with its final model handed over in the clear to the seller's address (`circuits/chain.Sold`); ")
	b.WriteString("the buyer's terms (training and held-out roots, learning rate, schedule, initial model) and score target are folded into the verifying key's constant point (`onchain.FoldInputs`; the proof shows that the private score meets the target), so that the verifier takes only the final model's commitment and the model's challenge and evaluation, ")
	b.WriteString("and the verifier checks the commitment's proof of knowledge in its one pairing call (`onchain.BatchCommitmentCheck`). The offer stores one slot (the deal's hash) and pins the verifier's code hash; ")
	b.WriteString("the seller's one transaction carries the proof and the model, and pays the seller. The sale circuit's keys are the buyer's one-party setup, safe for an offer that names its seller (the contract's doc says why). ")
	fmt.Fprintf(b, "Whole deal is the offer and the sale, as transactions (base, calldata and execution, less the refund for the cleared slot); money at %s. Deployment is the sale contract and the deal's verifier, whose constant point holds the deal's terms: once per deal.\n\n", price)
	b.WriteString("With `sell -blob` the model travels in the sale transaction's EIP-4844 blob instead of its calldata (`circuits/chain.NewBlobSold`, `Sale.sellBlob`): the contract derives a point from the blob's versioned hash, the model's commitment and the seller, the point evaluation precompile (50,000 gas) checks the blob's value there against the versioned hash, and the proof shows that the committed model, as a blob, has that value (`circuits/blob`: the evaluation in BLS12-381's scalar field, emulated). A blob's 131,072 blob gas is priced in the blob market, apart from the gas below; the network keeps a blob about 18 days, in which the buyer must fetch it.\n\n")
	b.WriteString("| host | run | model / dataset | steps | sale constraints | verifier inputs | model elements | model in | offer | sell | of which verifier | whole deal | model delivered | deployment, per deal |\n|---|---|---|--:|--:|--:|--:|---|--:|--:|--:|--:|---|--:|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
	fmt.Fprintf(b, "\n%d of %d sales cost at most %d gas for the whole deal. In calldata the model's bytes cost 16 gas a byte (up to 512 per packed element), so a larger model costs more; ", under, total, saleGoal)
	if blobs == 0 {
		b.WriteString("a blob would replace that part by the precompile's 50,000 gas and blob gas (none sold so far).\n")
		return
	}
	b.WriteString("in a blob the gas does not grow with the model (up to 4096 elements a blob), and the precompile's 50,000 gas is paid instead: the blob is the cheaper carrier above about a hundred elements.\n")
}

// saleGoal is the whole-deal budget the sale table counts against: about
// one verification, two transactions and an offer's slot.
const saleGoal = 450_000

// provenRuns is the section on whole training runs proven step by step
// (potbench train), and the chain trade-off.
func provenRuns(b *strings.Builder, opt Options) {
	if len(opt.Runs) == 0 {
		return
	}
	price := opt.PricePerCoreHour
	b.WriteString("\n## Proven training runs\n\n")
	b.WriteString("Whole runs made with `potbench train`: a seeded fixed-point training run on the real dataset, every step (or chain of K steps) proven, ")
	b.WriteString("then the final model's held-out score where the model has a score circuit; `potbench verify` checks the transcript with nothing else. ")
	fmt.Fprintf(b, "overhead-x is the whole run's prove time over the plain float64 run of the same schedule (one core). Cost at $%.4g per core-hour.\n\n", price)
	b.WriteString("Keys says whose setup the proofs rest on: a ceremony's (contributors per phase; `verify -ceremony` recomputes them) or the prover's own one-party setup.\n\n")
	b.WriteString("| host | run | model / dataset | keys | epochs | batch | K | steps | proofs | prove (all) | core-s | cost | plain run | overhead-x | transcript | verify (all) | gas, every proof on chain | test score: fixed point / float64 |\n")
	b.WriteString("|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, host := range sortedHosts(opt.Runs) {
		for _, r := range opt.Runs[host] {
			proven := "proven"
			if !r.ScoreProof {
				proven = "not proven"
			}
			gas := "–"
			if r.GasTx > 0 {
				gas = fmt.Sprintf("%d (%s)", r.GasTx, resultset.Dollars(opt.gasPrice().USD(r.GasTx)))
			}
			keys := cmp.Or(r.Keys, "one-party (prover)")
			fmt.Fprintf(b, "| %s | %s | %s / %s | %s | %d | %d | %d | %d | %d | %s | %.3g | $%.2g | %s | %s | %s | %s | %s | %s %.4f / %.4f (%s) |\n",
				host, r.Name, r.Model, r.Dataset, keys, r.Epochs, r.Batch, r.Chain, r.Steps, r.Proofs, resultset.Duration(r.ProveNs), r.CoreSeconds(),
				r.CoreSeconds()/3600*price, resultset.Duration(r.PlainRunNs), resultset.Factor(r.OverheadX()), resultset.Bytes(r.Bytes),
				resultset.Duration(r.VerifyNs), gas, r.Metric, r.FixedPoint, r.Float64, proven)
		}
	}
	// the chain trade-off: the same run with K steps per proof
	type key struct {
		host, model, dataset string
		batch, epochs        int
	}
	chains := map[key][]resultset.RunSummary{}
	for host, rs := range opt.Runs {
		for _, r := range rs {
			k := key{host, r.Model, r.Dataset, r.Batch, r.Epochs}
			chains[k] = append(chains[k], r)
		}
	}
	var keys []key
	for k, rs := range chains {
		if len(rs) >= 2 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	var rows []string
	for _, g := range keys {
		rs := chains[g]
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Chain != rs[j].Chain {
				return rs[i].Chain < rs[j].Chain
			}
			if rs[i].ScoreFolded != rs[j].ScoreFolded {
				return !rs[i].ScoreFolded
			}
			return rs[i].CircuitRevision < rs[j].CircuitRevision
		})
		for _, r := range rs {
			k := fmt.Sprint(r.Chain)
			if r.ScoreFolded {
				k += ", score folded"
			}
			if r.CircuitRevision > 1 {
				k += fmt.Sprintf(", circuits rev. %d", r.CircuitRevision)
			}
			gas, setup := "–", "–"
			if r.GasTx > 0 {
				gas = fmt.Sprint(r.GasTx)
			}
			switch {
			case strings.HasPrefix(r.Keys, "ceremony"): // keys read from a ceremony, not set up by the run
				setup = "ceremony"
			case r.SetupNs > 0:
				setup = resultset.Duration(r.SetupNs)
			}
			rows = append(rows, fmt.Sprintf("| %s | %s / %s, batch %d, %d epoch(s) | %s | %d | %s | %s | %s | %s | %s | %s |\n", g.host, g.model, g.dataset, g.batch, g.epochs, k, r.Proofs,
				setup, resultset.Duration(r.ProveNs), resultset.Factor(r.OverheadX()), resultset.Duration(r.VerifyNs), resultset.Bytes(r.Bytes), gas))
		}
	}
	if len(rows) > 0 {
		b.WriteString("\n### Steps per proof\n\nThe same run proven with K steps per proof (the remainder of an epoch step by step; K = the batches of an epoch is one proof per epoch, K = every step of the run one proof for the run, the chain wrapping from the last batch to the first; score folded: the held-out score proven in that same proof, so the run is one proof): fewer proofs to verify, store and pay for on chain, against the setup of a larger circuit. Circuits rev. 2 (`-circuit-revision`): products in lanes, one sigmoid table per chain, and a chain of whole epochs hashing each batch once; rows without it are the circuits of revision 1. ")
		b.WriteString("setup is the run's one-party setup, or \"ceremony\" where its keys come from one (what that costs: Root of trust); overhead-x is the whole run's prove time over the plain float64 run; gas is every proof verified on chain.\n\n")
		b.WriteString("| host | run | K | proofs | setup | prove (all) | overhead-x | verify (all) | transcript | gas, every proof on chain |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, r := range rows {
			b.WriteString(r)
		}
	}
}

func vsClaim(x float64) string {
	if x <= Claim {
		return fmt.Sprintf("within (%.2g of it)", x/Claim)
	}
	return resultset.Factor(x/Claim) + " beyond"
}

// privacy is the table the claim is really about: the same step plain, under
// homomorphic encryption and proven, on the same host and profile.
func privacy(b *strings.Builder, zk, enc []Entry) {
	if len(enc) == 0 {
		return
	}
	proven := map[string]Entry{}
	for _, e := range zk {
		if e.System == resultset.ReferenceSystem {
			proven[e.Host+"|"+e.Profile+"|"+e.Workload] = e
		}
	}
	b.WriteString("\n## Privacy vs verifiability: the same step encrypted and proven\n\n")
	fmt.Fprintf(b, "The \"%.0fx slower\" is said of privacy-preserving compute. Here one mini-batch SGD step on the same batch, model and learning rate is computed plainly in float64, ", Claim)
	b.WriteString("under homomorphic encryption (CKKS, lattigo v6: the batch and the model encrypted, the step on ciphertexts, the new model decrypted by the key holder; `fhe-…` workloads) ")
	b.WriteString("and proven (Groth16 on BN254: the step computed in the clear by the prover and a proof that it was done right), on the same host and profile. ")
	b.WriteString("FHE hides the data from whoever computes; the proof hides it from the verifier and proves the computation. The stages map as key generation = setup, encryption = witness, encrypted step = prove, decryption = verify. ")
	b.WriteString("Error is the decrypted model's largest difference from the float64 step with the exact activation (for logistic regression most of it is the polynomial sigmoid; the CKKS noise alone is in the results pages). ")
	b.WriteString("Layout `padded`: each row zero-padded to twice its width, so the row sums need no mask; `blocks`: the former layout (rows in blocks, a mask and a replication), timed on the same batch in the same run (`former`) where the row has it. Rotations are key-switched rotations per step, levels the levels it consumes; the Galois keys are exactly the rotations.\n\n")
	b.WriteString("| host | profile | step | layout | rotations | levels | plain | FHE step | former | faster | FHE overhead-x | vs 1000x | ZK prove | ZK overhead-x | vs 1000x | FHE error | key generation | evaluation keys |\n")
	b.WriteString("|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	activations := map[string]bool{}
	for _, e := range enc {
		step := strings.TrimPrefix(e.Workload, "fhe-")
		zkProve, zkX, zkVs := "–", "–", "–"
		if z, ok := proven[e.Host+"|"+e.Profile+"|"+step]; ok {
			zkProve, zkX, zkVs = resultset.Duration(z.ProveNs), resultset.Factor(z.OverheadOver(e.PlainNs)), vsClaim(z.OverheadOver(e.PlainNs))
		}
		layout, rot, lev, former, faster := "blocks", "–", "–", "–", "–"
		if e.FHERotations > 0 {
			layout, rot, lev = "padded", fmt.Sprint(e.FHERotations), fmt.Sprint(e.FHELevels)
		}
		if e.FHEFormerNs > 0 {
			former, faster = resultset.Duration(e.FHEFormerNs), resultset.Factor(e.FHEFormerX())
		}
		if e.FHEActivation != "" {
			activations[e.FHEActivation] = true
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2g | %s | %s |\n", e.Host, e.Profile, step, layout, rot, lev,
			resultset.Duration(int64(e.PlainNs)), resultset.Duration(e.ProveNs), former, faster, resultset.Factor(e.OverheadX()), vsClaim(e.OverheadX()),
			zkProve, zkX, zkVs, e.FHEError, resultset.Duration(e.SetupNs), resultset.Bytes(e.PKBytes))
	}
	b.WriteString("\nBoth overheads use the plain step measured in the FHE run.")
	for _, a := range slices.Sorted(maps.Keys(activations)) {
		fmt.Fprintf(b, " Logistic rows: %s.", a)
	}
	b.WriteString(" ![privacy vs verifiability](plots/privacy.png)\n")
}

// fheTraining renders whole trainings run under encryption beside fixed
// point and float64.
func fheTraining(b *strings.Builder, ts []HostTraining) {
	if len(ts) == 0 {
		return
	}
	b.WriteString("\n### Training under encryption\n\n")
	b.WriteString("A whole training with every step computed on CKKS ciphertexts (the batches encrypted; the key holder decrypts and re-encrypts the model between steps, in place of bootstrapping), beside the same schedule in fixed point (what the circuits prove) and in float64 with the exact sigmoid. Sigmoid: the approximation the encrypted training computed (–: not recorded, runs made with the former cubic on [−8, 8]).\n\n")
	b.WriteString("| host | model | dataset | epochs | batch | lr | train/test rows | metric | fixed point | float64 | FHE (CKKS) | sigmoid |\n|---|---|---|--:|--:|--:|--:|---|--:|--:|--:|---|\n")
	for _, t := range ts {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %g | %d/%d | test %s | %.4f | %.4f | %.4f | %s |\n", t.Host, t.Model, t.Dataset, t.Epochs, t.Batch, t.LR,
			t.TrainRows, t.TestRows, t.Metric, t.FixedPoint, t.Float64, t.FHE, cmp.Or(t.FHESigmoid, "–"))
	}
}

func verdict(b *strings.Builder, es []Entry) {
	b.WriteString("\n## Verdict: every measured step\n\n")
	b.WriteString("| host | profile | backend | workload | plain step | prove | verify | overhead-x | vs 1000x |\n|---|---|---|---|--:|--:|--:|--:|--:|\n")
	for _, e := range es {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", e.Host, e.Profile, e.System, e.Workload,
			resultset.Duration(int64(e.PlainNs)), resultset.Duration(e.ProveNs), resultset.Duration(e.VerifyNs), resultset.Factor(e.OverheadX()), vsClaim(e.OverheadX()))
	}
}

// extrapolationSizes are training work per step (parameters × batch) to
// extrapolate to: small models up to a 7B-parameter model at batch 1.
var extrapolationSizes = []float64{1e4, 1e6, 1e8, 7e9}

func scaling(b *strings.Builder, es []Entry) {
	b.WriteString("\n## Scaling laws\n\nLeast-squares fits on a log-log scale over the measured sizes of each family (families measured at fewer than three sizes are left out).\n\n")
	b.WriteString("| host | profile | backend | family | prove-ns vs constraints | overhead-x vs elements | constraints vs elements (linear) |\n|---|---|---|---|---|---|---|\n")
	type ex struct {
		g        group
		exp      float64 // prove-time exponent used: the fit's, at least 1
		anchor   Entry   // the largest measured step
		cons     Linear
		memModel proving.MemoryModel
		okMem    bool
	}
	var exs []ex
	for _, g := range groups(es) {
		pv, err1 := g.fit(constraints, proveNs)
		ov, err2 := g.fit(elements, overhead)
		cs, err3 := g.linear(elements, constraints)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | ∝ c^%.2f (R²=%.3f) | ∝ e^%.2f (R²=%.3f) | %.0f + %.2f·e (R²=%.3f) |\n",
			g.Host, g.Profile, g.System, g.Family, pv.Exp, pv.R2, ov.Exp, ov.R2, cs.Intercept, cs.Slope, cs.R2)
		if g.Profile == "native" {
			var rs []resultset.Result
			for _, e := range g.Entries {
				rs = append(rs, e.Result)
			}
			m, ok := proving.FitMemoryModel(rs, g.Curve, g.Backend)
			exs = append(exs, ex{g: g, exp: max(pv.Exp, 1), anchor: g.Entries[len(g.Entries)-1], cons: cs, memModel: m, okMem: ok})
		}
	}
	b.WriteString("\n### Extrapolation (not measured)\n\nEXTRAPOLATION, far outside the measured range: a statement about the trend, not a measurement. ")
	b.WriteString("Elements = parameters × batch per step. Constraints follow the linear fit above (a fixed part plus a cost per element); ")
	b.WriteString("prove time is anchored at the largest measured step and grows with the fitted exponent or linearly, whichever is steeper ")
	b.WriteString("(MSM and FFT work is at least linear in constraints); memory follows a linear fit of peak memory against constraints.\n\n")
	b.WriteString("| host | backend | family | elements per step | est. constraints | exponent | est. prove time | est. memory |\n|---|---|---|--:|--:|--:|--:|--:|\n")
	for _, x := range exs {
		for _, n := range extrapolationSizes {
			c := x.cons.At(n)
			t := ExtrapolateProve(float64(x.anchor.ProveNs), float64(x.anchor.Constraints), x.exp, c)
			mem := "–"
			if x.okMem {
				mem = resultset.Bytes(int64(x.memModel.Base + x.memModel.PerConstraint*c))
			}
			fmt.Fprintf(b, "| %s | %s | %s | %.3g | %.3g | %.2f | %s | %s |\n", x.g.Host, x.g.System, x.g.Family, n, c, x.exp, humanSeconds(t/1e9), mem)
		}
	}
}

// ExtrapolateProve scales a measured prove time t0 at c0 constraints to c
// constraints with exponent max(exp, 1): MSM and FFT work grows at least
// linearly, so a sublinear fit over small sizes is not carried beyond them.
func ExtrapolateProve(t0, c0, exp, c float64) float64 {
	return t0 * math.Pow(c/c0, math.Max(exp, 1))
}

func humanSeconds(s float64) string {
	switch {
	case s >= 86400*365:
		return fmt.Sprintf("%.3g years", s/(86400*365))
	case s >= 86400:
		return fmt.Sprintf("%.3g days", s/86400)
	case s >= 3600:
		return fmt.Sprintf("%.3g h", s/3600)
	case s >= 60:
		return fmt.Sprintf("%.3g min", s/60)
	}
	return resultset.Duration(int64(s * 1e9))
}

var deadlines = []float64{1, 10, 60} // seconds

func frontier(b *strings.Builder, es []Entry) {
	b.WriteString("\n## Real-time frontier\n\nThe largest measured step of each family proven within each deadline, and (fit) the training work per step at which the prove-time fit reaches the deadline.\n\n")
	b.WriteString("| host | profile | backend | family | < 1 s | < 10 s | < 60 s | fit: elements at 1 s / 10 s / 60 s |\n|---|---|---|---|---|---|---|---|\n")
	for _, g := range groups(es) {
		fmt.Fprintf(b, "| %s | %s | %s | %s |", g.Host, g.Profile, g.System, g.Family)
		for _, d := range deadlines {
			best := "none"
			for _, e := range g.Entries {
				if float64(e.ProveNs) < d*1e9 {
					best = strings.TrimPrefix(e.Workload, g.Family+"/")
				}
			}
			fmt.Fprintf(b, " %s |", best)
		}
		if pl, err := g.fit(elements, proveNs); err == nil && pl.Exp > 0 {
			var parts []string
			for _, d := range deadlines {
				parts = append(parts, fmt.Sprintf("%.3g", pl.Solve(d*1e9)))
			}
			fmt.Fprintf(b, " %s |\n", strings.Join(parts, " / "))
		} else {
			b.WriteString(" – |\n")
		}
	}
}

func cost(b *strings.Builder, es []Entry, opt Options) {
	price := opt.PricePerCoreHour
	fmt.Fprintf(b, "\n## Cost model\n\nCore-seconds = prove time × cores the prover used (GOMAXPROCS); an epoch is one pass over the dataset in batches (the proofs per epoch come from the vendored dataset; a chain proof covers K batches). Price: $%.4g per core-hour. The plain epoch runs on one core.\n\n", price)
	b.WriteString("| host | profile | backend | workload | proofs/epoch | core-s per proof | proven epoch | proven epoch cost | plain epoch cost |\n|---|---|---|---|--:|--:|--:|--:|--:|\n")
	for _, e := range es {
		if e.Profile != "native" {
			continue
		}
		steps := e.EpochSteps
		if steps == 0 {
			continue
		}
		stepCore := float64(e.ProveNs) / 1e9 * float64(e.Cores)
		epochCore := stepCore * float64(steps)
		plainCore := e.PlainNs / 1e9 * float64(steps)
		fmt.Fprintf(b, "| %s | %s | %s | %s | %d | %.3g | %s | $%.2g | $%.2g |\n", e.Host, e.Profile, e.System, e.Workload, steps,
			stepCore, humanSeconds(epochCore), epochCore/3600*price, plainCore/3600*price)
	}
}

// curves compares each workload proven on BN254 and on another curve with
// the same backend, host and profile.
func curvesSection(b *strings.Builder, es []Entry) {
	type key struct{ host, profile, backend, workload string }
	bn := map[key]Entry{}
	for _, e := range es {
		if e.Curve == "" || e.Curve == ecc.BN254.String() {
			bn[key{e.Host, e.Profile, e.Backend, e.Workload}] = e
		}
	}
	var rows []string
	for _, e := range es {
		if e.Curve == "" || e.Curve == ecc.BN254.String() {
			continue
		}
		a, ok := bn[key{e.Host, e.Profile, e.Backend, e.Workload}]
		if !ok || a.ProveNs == 0 || e.ProveNs == 0 {
			continue
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %d | %d | %.2f | %.2f | %s | %s | %.2fx | %s / %s | %d / %d B |\n",
			e.Host, e.Profile, e.Backend, e.Curve, e.Workload, a.Constraints, e.Constraints, a.ConstraintsPerElem(), e.ConstraintsPerElem(),
			resultset.Duration(a.ProveNs), resultset.Duration(e.ProveNs), float64(e.ProveNs)/float64(a.ProveNs),
			resultset.Duration(a.VerifyNs), resultset.Duration(e.VerifyNs), a.ProofBytes, e.ProofBytes))
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Curves: BN254 and BLS12-381\n\n")
	b.WriteString("The same workloads proven on both curves (BLS12-381 is estimated at about 120-bit security against about 100 for BN254, at the price of larger points and a 381-bit base field). ")
	b.WriteString("The circuits are the same except for the commitments: BN254 hashes with a width-16 Poseidon2 sponge, BLS12-381 with width 3, the widest gnark-crypto implements for it. ")
	b.WriteString("ratio is BLS12-381's prove time over BN254's; `potbench run -curves bn254,bls12-381` takes both in one run, one after the other per workload.\n\n")
	b.WriteString("| host | profile | backend | curve | workload | constraints BN254 | constraints | /elem BN254 | /elem | prove BN254 | prove | ratio | verify BN254 / curve | proof BN254 / curve |\n|---|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
}

func mkdirFor(path string) error { return os.MkdirAll(filepath.Dir(path), 0o755) }
