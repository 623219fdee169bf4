// Package matmul multiplies matrices in a circuit. Mul computes each entry
// directly (n·m·p multiplications); Freivalds takes the product from a hint
// and checks it with Freivalds' test,
//
//	A·(B·ρ) = C·ρ   for ρ = (r, r², ..., r^p),
//
// where r is a challenge derived (gnark's multicommit) from a commitment to A,
// B and C, so the prover fixes C before learning r. That costs m·p + n·m +
// n·p + p multiplications instead of n·m·p. A wrong C passes only if r is a
// root of a non-zero polynomial of degree at most p: probability p/|F|, below
// 2^-240 on BN254.
package matmul

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"
)

func dims(a, b [][]frontend.Variable) (n, m, p int) {
	n, m = len(a), len(a[0])
	if len(b) != m {
		panic(fmt.Sprintf("matmul: %d×%d times %d×?", n, m, len(b)))
	}
	return n, m, len(b[0])
}

// Mul returns A·B entry by entry.
func Mul(api frontend.API, a, b [][]frontend.Variable) [][]frontend.Variable {
	n, m, p := dims(a, b)
	c := make([][]frontend.Variable, n)
	for i := range c {
		c[i] = make([]frontend.Variable, p)
		for k := 0; k < p; k++ {
			var acc frontend.Variable = 0
			for j := 0; j < m; j++ {
				acc = api.Add(acc, api.Mul(a[i][j], b[j][k]))
			}
			c[i][k] = acc
		}
	}
	return c
}

// Freivalds returns A·B, hinted and checked by Freivalds' test (see the
// package comment).
func Freivalds(api frontend.API, a, b [][]frontend.Variable) [][]frontend.Variable {
	n, m, p := dims(a, b)
	in := []frontend.Variable{n, m, p}
	for i := range a {
		in = append(in, a[i]...)
	}
	for j := range b {
		in = append(in, b[j]...)
	}
	flat, err := api.Compiler().NewHint(ProductHint, n*p, in...)
	if err != nil {
		panic(err)
	}
	c := make([][]frontend.Variable, n)
	for i := range c {
		c[i] = flat[i*p : (i+1)*p]
	}
	committed := append(append([]frontend.Variable{}, in[3:]...), flat...)
	// The caller gets its own rows: the check below must see the hinted
	// product even if the caller later overwrites entries (adding a bias).
	out := make([][]frontend.Variable, n)
	for i := range out {
		out[i] = append([]frontend.Variable{}, c[i]...)
	}
	multicommit.WithCommitment(api, func(api frontend.API, r frontend.Variable) error {
		rho := make([]frontend.Variable, p)
		rho[0] = r
		for k := 1; k < p; k++ {
			rho[k] = api.Mul(rho[k-1], r)
		}
		br := make([]frontend.Variable, m) // B·ρ
		for j := range br {
			var acc frontend.Variable = 0
			for k := 0; k < p; k++ {
				acc = api.Add(acc, api.Mul(b[j][k], rho[k]))
			}
			br[j] = acc
		}
		for i := 0; i < n; i++ {
			var lhs, rhs frontend.Variable = 0, 0
			for j := 0; j < m; j++ {
				lhs = api.Add(lhs, api.Mul(a[i][j], br[j]))
			}
			for k := 0; k < p; k++ {
				rhs = api.Add(rhs, api.Mul(c[i][k], rho[k]))
			}
			api.AssertIsEqual(lhs, rhs)
		}
		return nil
	}, committed...)
	return out
}

// Transpose returns Aᵀ.
func Transpose(a [][]frontend.Variable) [][]frontend.Variable {
	if len(a) == 0 {
		return nil
	}
	t := make([][]frontend.Variable, len(a[0]))
	for j := range t {
		t[j] = make([]frontend.Variable, len(a))
		for i := range a {
			t[j][i] = a[i][j]
		}
	}
	return t
}

// Native returns A·B over the integers.
func Native(a, b [][]int64) [][]*big.Int {
	c := make([][]*big.Int, len(a))
	t := new(big.Int)
	for i := range a {
		c[i] = make([]*big.Int, len(b[0]))
		for k := range c[i] {
			acc := new(big.Int)
			for j := range b {
				acc.Add(acc, t.Mul(big.NewInt(a[i][j]), big.NewInt(b[j][k])))
			}
			c[i][k] = acc
		}
	}
	return c
}
