// Package datasets loads the vendored real datasets (see data/PROVENANCE.md),
// validates them, and turns them into fixed-point rows for the circuits.
package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

//go:embed data/*.csv data/*.gz
var files embed.FS

// Table is a dataset of real-valued features with one target per row: a real
// number for regression, a class index for classification.
type Table struct {
	Name    string
	X       [][]float64
	Y       []float64
	Classes int   // 0 for regression
	Lines   []int // source line of each row, when read from a file
}

// Rows is the number of rows.
func (t *Table) Rows() int { return len(t.X) }

// Features is the number of features.
func (t *Table) Features() int {
	if len(t.X) == 0 {
		return 0
	}
	return len(t.X[0])
}

// CSVOptions describe a numeric text file.
type CSVOptions struct {
	Whitespace bool // fields separated by runs of blanks instead of commas
	SkipLines  int  // leading lines to skip (a header)
	Width      int  // values per row; 0 takes the first row's width
}

// ReadCSV reads a numeric table. name is used in errors, which give the line
// and column of the first bad value: empty input, a ragged row, a field that
// is not a finite number.
func ReadCSV(r io.Reader, name string, opt CSVOptions) ([][]float64, error) {
	rows, _, err := readCSV(r, name, opt)
	return rows, err
}

func readCSV(r io.Reader, name string, opt CSVOptions) ([][]float64, []int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	var rows [][]float64
	var lines []int
	width := opt.Width
	line := 0
	for sc.Scan() {
		line++
		if line <= opt.SkipLines {
			continue
		}
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var fields []string
		if opt.Whitespace {
			fields = strings.Fields(text)
		} else {
			fields = strings.Split(text, ",")
		}
		if width == 0 {
			width = len(fields)
		}
		if len(fields) != width {
			return nil, nil, fmt.Errorf("%s:%d: %d values, expected %d", name, line, len(fields), width)
		}
		row := make([]float64, width)
		for j, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("%s:%d: column %d: %q is not a finite number", name, line, j+1, f)
			}
			row[j] = v
		}
		rows = append(rows, row)
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("%s: no data rows (expected numeric rows after %d header line(s))", name, opt.SkipLines)
	}
	return rows, lines, nil
}

// LoadFile reads a user's regression table: comma-separated numbers, the
// last column the target, after skip header lines.
func LoadFile(path string, skip int) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, lines, err := readCSV(f, path, CSVOptions{SkipLines: skip})
	if err != nil {
		return nil, err
	}
	if len(rows[0]) < 2 {
		return nil, fmt.Errorf("%s:%d: %d column, expected at least one feature and a target", path, lines[0], len(rows[0]))
	}
	t := &Table{Name: path, Lines: lines}
	for _, r := range rows {
		t.X = append(t.X, r[:len(r)-1])
		t.Y = append(t.Y, r[len(r)-1])
	}
	return t, nil
}

func open(name string) (io.Reader, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, ".gz") {
		return gzip.NewReader(bytes.NewReader(b))
	}
	return bytes.NewReader(b), nil
}

func readVendored(name string, opt CSVOptions) ([][]float64, error) {
	r, err := open(name)
	if err != nil {
		return nil, err
	}
	return ReadCSV(r, "datasets/data/"+name, opt)
}

// Diabetes is the diabetes regression set: 442 rows, 10 raw features, target
// disease progression after one year.
func Diabetes() (*Table, error) {
	x, err := readVendored("diabetes_data_raw.csv.gz", CSVOptions{Whitespace: true, Width: 10})
	if err != nil {
		return nil, err
	}
	y, err := readVendored("diabetes_target.csv.gz", CSVOptions{Whitespace: true, Width: 1})
	if err != nil {
		return nil, err
	}
	if len(x) != len(y) {
		return nil, fmt.Errorf("datasets: diabetes has %d feature rows and %d targets", len(x), len(y))
	}
	t := &Table{Name: "diabetes", X: x, Y: make([]float64, len(y))}
	for i := range y {
		t.Y[i] = y[i][0]
	}
	return t, nil
}

// Synthetic is a seeded linear-regression table: features uniform in [-1, 1],
// targets X·w* + b* plus Gaussian noise (sd 0.1), |w*| about 1/sqrt(d).
func Synthetic(n, d int, seed uint64) *Table {
	rng := rand.New(rand.NewPCG(seed, uint64(n)<<32|uint64(d)))
	w := make([]float64, d)
	for j := range w {
		w[j] = (2*rng.Float64() - 1) / math.Sqrt(float64(d))
	}
	b := 0.25
	t := &Table{Name: fmt.Sprintf("synthetic-%dx%d", n, d), X: make([][]float64, n), Y: make([]float64, n)}
	for i := range t.X {
		t.X[i] = make([]float64, d)
		y := b
		for j := range t.X[i] {
			t.X[i][j] = 2*rng.Float64() - 1
			y += t.X[i][j] * w[j]
		}
		t.Y[i] = y + 0.1*rng.NormFloat64()
	}
	return t
}

// Standardize returns a copy with each feature (and, for regression, the
// target) shifted to mean 0 and scaled to standard deviation 1. Constant
// columns become 0.
func (t *Table) Standardize() *Table {
	out := &Table{Name: t.Name, Classes: t.Classes, X: make([][]float64, len(t.X)), Y: append([]float64{}, t.Y...), Lines: t.Lines}
	for i := range t.X {
		out.X[i] = append([]float64{}, t.X[i]...)
	}
	for j := 0; j < t.Features(); j++ {
		col := make([]float64, len(t.X))
		for i := range t.X {
			col[i] = t.X[i][j]
		}
		m, s := MeanStd(col)
		for i := range out.X {
			out.X[i][j] = scale(out.X[i][j], m, s)
		}
	}
	if t.Classes == 0 {
		m, s := MeanStd(t.Y)
		for i := range out.Y {
			out.Y[i] = scale(out.Y[i], m, s)
		}
	}
	return out
}

// MeanStd is the mean and population standard deviation of xs, as
// Standardize uses them.
func MeanStd(xs []float64) (float64, float64) {
	var m, v float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / float64(len(xs)))
}

func scale(x, m, s float64) float64 {
	if s == 0 {
		return 0
	}
	return (x - m) / s
}

// Quantize encodes each row as its features then its target in format f (a
// class label is kept as the integer class index).
// Values outside f's range are clipped to it, and the number clipped is
// returned so callers can report it; NaN or Inf is an error.
func (t *Table) Quantize(f fixedpoint.Format) (rows [][]int64, clipped int, err error) {
	return t.quantize(f, true)
}

// QuantizeStrict is Quantize with an error, naming the row and column, for
// the first value outside f's range.
func (t *Table) QuantizeStrict(f fixedpoint.Format) ([][]int64, error) {
	rows, _, err := t.quantize(f, false)
	return rows, err
}

func (t *Table) quantize(f fixedpoint.Format, clip bool) (rows [][]int64, clipped int, err error) {
	lo, hi := f.Decode(f.Min()), f.Decode(f.Max())
	col := 0
	enc := func(i int, x float64) (int64, error) {
		if x < lo || x > hi {
			if !clip {
				where := fmt.Sprintf("%s row %d", t.Name, i+1)
				if i < len(t.Lines) {
					where = fmt.Sprintf("%s:%d", t.Name, t.Lines[i])
				}
				return 0, fmt.Errorf("%s: column %d: %.4g (after standardising) does not fit %s, range [%g, %g]",
					where, col+1, x, f, lo, hi)
			}
			clipped++
			x = math.Max(lo, math.Min(hi, x))
		}
		v, err := f.Encode(x)
		if err != nil {
			return 0, fmt.Errorf("datasets: %s row %d: %w", t.Name, i, err)
		}
		return v, nil
	}
	rows = make([][]int64, len(t.X))
	for i := range t.X {
		rows[i] = make([]int64, 0, t.Features()+1)
		for j, x := range t.X[i] {
			col = j
			v, err := enc(i, x)
			if err != nil {
				return nil, 0, err
			}
			rows[i] = append(rows[i], v)
		}
		if t.Classes > 0 { // a class index is stored as the integer itself
			rows[i] = append(rows[i], int64(t.Y[i]))
			continue
		}
		col = t.Features()
		v, err := enc(i, t.Y[i])
		if err != nil {
			return nil, 0, err
		}
		rows[i] = append(rows[i], v)
	}
	return rows, clipped, nil
}

// classification reads a vendored CSV whose last column is a class index in
// [0, classes).
func classification(name, file string, skip, classes int) (*Table, error) {
	rows, lines, err := func() ([][]float64, []int, error) {
		r, err := open(file)
		if err != nil {
			return nil, nil, err
		}
		return readCSV(r, "datasets/data/"+file, CSVOptions{SkipLines: skip})
	}()
	if err != nil {
		return nil, err
	}
	t := &Table{Name: name, Classes: classes, Lines: lines}
	for i, r := range rows {
		y := r[len(r)-1]
		if y != math.Trunc(y) || y < 0 || int(y) >= classes {
			return nil, fmt.Errorf("datasets/data/%s:%d: label %g is not a class in 0..%d", file, lines[i], y, classes-1)
		}
		t.X = append(t.X, r[:len(r)-1:len(r)-1])
		t.Y = append(t.Y, y)
	}
	return t, nil
}

// BreastCancer is the Wisconsin diagnostic set: 569 rows, 30 features, label
// 0 = malignant, 1 = benign.
func BreastCancer() (*Table, error) {
	return classification("breast_cancer", "breast_cancer.csv", 1, 2)
}

// Digits is the 8×8 handwritten digits set: 1797 rows, 64 pixels in 0..16,
// label the digit.
func Digits() (*Table, error) { return classification("digits", "digits.csv.gz", 0, 10) }

// Shuffle returns the rows in a seeded random order.
func (t *Table) Shuffle(seed uint64) *Table {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	perm := rng.Perm(len(t.X))
	out := &Table{Name: t.Name, Classes: t.Classes, X: make([][]float64, len(t.X)), Y: make([]float64, len(t.Y))}
	for i, j := range perm {
		out.X[i], out.Y[i] = t.X[j], t.Y[j]
	}
	if len(t.Lines) == len(t.X) {
		out.Lines = make([]int, len(perm))
		for i, j := range perm {
			out.Lines[i] = t.Lines[j]
		}
	}
	return out
}

// Split cuts the table into its first n rows and the rest.
func (t *Table) Split(n int) (*Table, *Table) {
	a := &Table{Name: t.Name, Classes: t.Classes, X: t.X[:n], Y: t.Y[:n]}
	b := &Table{Name: t.Name, Classes: t.Classes, X: t.X[n:], Y: t.Y[n:]}
	if len(t.Lines) == len(t.X) {
		a.Lines, b.Lines = t.Lines[:n], t.Lines[n:]
	}
	return a, b
}

// StandardizeWith scales features with another table's column statistics
// (a test set with its training set's), leaving targets as they are.
func (t *Table) StandardizeWith(ref *Table) *Table {
	out := &Table{Name: t.Name, Classes: t.Classes, Y: append([]float64{}, t.Y...), Lines: t.Lines}
	for i := range t.X {
		out.X = append(out.X, append([]float64{}, t.X[i]...))
	}
	for j := 0; j < t.Features(); j++ {
		col := make([]float64, len(ref.X))
		for i := range ref.X {
			col[i] = ref.X[i][j]
		}
		m, s := MeanStd(col)
		for i := range out.X {
			out.X[i][j] = scale(out.X[i][j], m, s)
		}
	}
	return out
}

// Load reads a vendored dataset by name.
func Load(name string) (*Table, error) {
	switch name {
	case "diabetes":
		return Diabetes()
	case "breast_cancer":
		return BreastCancer()
	case "digits":
		return Digits()
	}
	return nil, fmt.Errorf("no vendored dataset %q", name)
}

// Classify reads t's targets as class indices in [0, classes): an error
// names the line of a target that is not one.
func (t *Table) Classify(classes int) (*Table, error) {
	for i, y := range t.Y {
		if y != math.Trunc(y) || y < 0 || int(y) >= classes {
			line := i + 1
			if i < len(t.Lines) {
				line = t.Lines[i]
			}
			return nil, fmt.Errorf("%s:%d: label %g is not a class in 0..%d", t.Name, line, y, classes-1)
		}
	}
	out := *t
	out.Classes = classes
	return &out, nil
}

// Files names the vendored files of each dataset.
var Files = map[string][]string{
	"diabetes":      {"diabetes_data_raw.csv.gz", "diabetes_target.csv.gz"},
	"breast_cancer": {"breast_cancer.csv"},
	"digits":        {"digits.csv.gz"},
}

// SHA256 is the hex SHA-256 of a vendored dataset's files as shipped,
// concatenated in the order of Files.
func SHA256(name string) (string, error) {
	fs, ok := Files[name]
	if !ok {
		return "", fmt.Errorf("no vendored dataset %q", name)
	}
	h := sha256.New()
	for _, f := range fs {
		b, err := files.ReadFile("data/" + f)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
