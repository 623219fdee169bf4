package datasets

import (
	"math"
	"strings"
	"testing"
)

// FuzzReadCSV: the parser never panics, and whatever it accepts is a
// rectangular table of finite numbers.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{"", "1,2\n3,4\n", "569,30,a,b\n1,2\n", "1,,2\n", "1, 2 ,3\n", "NaN\n", "1e308,1e309\n",
		"1 2\t3\n", "\n\n1\n", "1,2\n3\n", "0x10,1\n", "-0,+1\n"} {
		f.Add(seed, false, 0)
		f.Add(seed, true, 1)
	}
	f.Fuzz(func(t *testing.T, in string, ws bool, skip int) {
		if skip < 0 || skip > 3 {
			return
		}
		rows, err := ReadCSV(strings.NewReader(in), "fuzz.csv", CSVOptions{Whitespace: ws, SkipLines: skip})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		for _, r := range rows {
			if len(r) != len(rows[0]) {
				t.Fatalf("ragged table accepted: %v", rows)
			}
			for _, v := range r {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite value accepted: %v", rows)
				}
			}
		}
	})
}
