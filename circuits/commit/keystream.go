package commit

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
)

// KindKeystream names a keystream's domain: field elements a key encrypts
// a committed value's packed elements with.
const KindKeystream Kind = "keystream"

// KeystreamOf is the domain of the keystream that encrypts the packed
// elements of a commitment of the domain dom: its shape and format, and the
// number of packed elements.
func KeystreamOf(dom Domain) Domain {
	return Domain{Kind: KindKeystream, Name: string(dom.Kind) + "/" + dom.Name, Shape: dom.Shape,
		Values: PackedLen(dom.Values, dom.Format.Bits), Depth: dom.Depth, Format: dom.Format}
}

// Keystream squeezes n field elements from the keyed sponge of the
// circuit's curve: the state starts as (tag, key, 0, ..., 0), and each
// permutation gives the next Rate elements (lanes 1..Rate) while the
// capacity lane, a function of the key, is never output. It is the sponge
// used as a stream cipher: the elements are pseudorandom to whoever does not
// know the key, as long as Poseidon2 is a random permutation. Cost: one
// permutation per Rate elements.
func Keystream(api frontend.API, dom Domain, key frontend.Variable, n int) ([]frontend.Variable, error) {
	perm, sp, err := spongePermutation(api)
	if err != nil {
		return nil, err
	}
	state := make([]frontend.Variable, sp.Width)
	state[0], state[1] = dom.Tag(), key
	for i := 2; i < sp.Width; i++ {
		state[i] = 0
	}
	out := make([]frontend.Variable, 0, n)
	for len(out) < n {
		if err := perm.Permutation(state); err != nil {
			return nil, err
		}
		for k := 1; k <= sp.Rate() && len(out) < n; k++ {
			out = append(out, state[k])
		}
	}
	return out, nil
}

// Keystream is the native twin of Keystream.
func (f *Field) Keystream(dom Domain, key *big.Int, n int) []*big.Int {
	sp := f.Params
	state := make([]*big.Int, sp.Width)
	state[0], state[1] = dom.Tag(), f.Reduce(key)
	for i := 2; i < sp.Width; i++ {
		state[i] = new(big.Int)
	}
	out := make([]*big.Int, 0, n)
	for len(out) < n {
		f.sponge(state)
		for k := 1; k <= sp.Rate() && len(out) < n; k++ {
			out = append(out, new(big.Int).Set(state[k]))
		}
	}
	return out
}

// Unpack is the inverse of Pack: n signed values of the given width from
// their packed elements. It fails when an element holds more than it
// could have been packed from.
func (f *Field) Unpack(packed []*big.Int, n, bits int) ([]int64, error) {
	per := PerElement(bits)
	if len(packed) != PackedLen(n, bits) {
		return nil, fmt.Errorf("commit: %d packed elements, %d values take %d", len(packed), n, PackedLen(n, bits))
	}
	offset := int64(1) << (bits - 1)
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(bits)), big.NewInt(1))
	out := make([]int64, 0, n)
	for j, e := range packed {
		rest := new(big.Int).Set(e)
		for k := 0; k < per && len(out) < n; k++ {
			u := new(big.Int).And(rest, mask)
			out = append(out, u.Int64()-offset)
			rest.Rsh(rest, uint(bits))
		}
		if rest.Sign() != 0 {
			return nil, fmt.Errorf("commit: packed element %d holds more than %d values of %d bits", j, per, bits)
		}
	}
	return out, nil
}
