package frame

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestPlainDecimal checks that plainDecimal agrees bit for bit with strconv.ParseFloat where
// it answers, and answers for the usual forms.
func TestPlainDecimal(t *testing.T) {
	cases := []string{"0", "-0", "+0", "00", "1.", ".5", "-.5", "0.0012", "123456.789",
		"9007199254740992", "9007199254740993", "0.1", "0.30000000000000004", "1234567890123456",
		"0.0000000000000000000001", "0.00000000000000000000001", "12345678901234567",
		"1e5", "-", "+", ".", "1.2.3", "1,5", "inf", "0x10", " 1", "1_0", ""}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100000 {
		v := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-4))
		cases = append(cases, strconv.FormatFloat(v, 'f', rng.IntN(12), 64), strconv.FormatFloat(v, 'g', -1, 64))
	}
	answered := 0
	for _, s := range cases {
		got, ok := plainDecimal(s)
		if !ok {
			continue
		}
		answered++
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("plainDecimal(%q) = %v (%x), ParseFloat gives %v (%x), %v", s, got, math.Float64bits(got), want, math.Float64bits(want), err)
		}
	}
	for _, s := range []string{"0", "-0", "1.", ".5", "0.0012", "9007199254740992", "0.0000000000000000000001"} {
		if _, ok := plainDecimal(s); !ok {
			t.Errorf("plainDecimal(%q) declines, want it read", s)
		}
	}
	// Most of the random numbers are plain decimals within reach; 'g' ones with exponents are not.
	if answered < len(cases)/2 {
		t.Errorf("plainDecimal answered %d of %d", answered, len(cases))
	}
}
