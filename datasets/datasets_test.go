package datasets

import (
	"strings"
	"testing"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

func TestDiabetes(t *testing.T) {
	d, err := Diabetes()
	if err != nil {
		t.Fatal(err)
	}
	if d.Rows() != 442 || d.Features() != 10 {
		t.Fatalf("diabetes is %dx%d, want 442x10", d.Rows(), d.Features())
	}
	if d.Y[0] != 151 || d.X[0][0] != 59 {
		t.Errorf("first row: x0=%g y=%g, want 59 and 151", d.X[0][0], d.Y[0])
	}
	rows, clipped, err := d.Standardize().Quantize(fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 442 || len(rows[0]) != 11 || clipped != 0 {
		t.Errorf("quantized %d rows of %d values, %d clipped; want 442 of 11, 0 clipped", len(rows), len(rows[0]), clipped)
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "f.csv: no data rows"},
		{"3,2,a,b\n", "f.csv: no data rows"},
		{"3,2,a,b\n1,2,3\n4,5\n", "f.csv:3: 2 values, expected 3"},
		{"3,2,a,b\n1,x,3\n", `f.csv:2: column 2: "x" is not a number`},
		{"3,2,a,b\n1,NaN,3\n", `f.csv:2: column 2: "NaN" is not a finite number`},
		{"3,2,a,b\n1,2,+Inf\n", `f.csv:2: column 3: "+Inf" is not a finite number`},
	} {
		_, err := ReadCSV(strings.NewReader(tc.in), "f.csv", CSVOptions{SkipLines: 1})
		if err == nil || !strings.Contains(err.Error(), strings.Replace(tc.want, "is not a number", "is not a finite number", 1)) {
			t.Errorf("ReadCSV(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestQuantizeClips(t *testing.T) {
	tb := &Table{Name: "t", X: [][]float64{{100, -0.5}}, Y: []float64{1}}
	rows, clipped, err := tb.Quantize(fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	if clipped != 1 || rows[0][0] != 32767 || rows[0][1] != -2048 || rows[0][2] != 4096 {
		t.Errorf("got %v with %d clipped", rows, clipped)
	}
}

func TestClassificationSets(t *testing.T) {
	for _, tc := range []struct {
		load             func() (*Table, error)
		rows, feats, cls int
	}{{BreastCancer, 569, 30, 2}, {Digits, 1797, 64, 10}} {
		tb, err := tc.load()
		if err != nil {
			t.Fatal(err)
		}
		if tb.Rows() != tc.rows || tb.Features() != tc.feats || tb.Classes != tc.cls {
			t.Errorf("%s: %dx%d, %d classes", tb.Name, tb.Rows(), tb.Features(), tb.Classes)
		}
		counts := map[float64]int{}
		for _, y := range tb.Y {
			counts[y]++
		}
		if len(counts) != tc.cls {
			t.Errorf("%s: labels %v", tb.Name, counts)
		}
	}
}
