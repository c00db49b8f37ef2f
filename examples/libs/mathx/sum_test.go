package mathx

import (
	"math"
	"math/rand"
	"testing"
)

func TestSumSmall(t *testing.T) {
	cases := []struct {
		in   []uint64
		want uint64
	}{
		{nil, 0},
		{[]uint64{}, 0},
		{[]uint64{7}, 7},
		{[]uint64{1, 2, 3, 4, 5}, 15},
		{[]uint64{math.MaxUint64, 2}, 1}, // wraps like Go addition
	}
	for _, c := range cases {
		if got := Sum(c.in); got != c.want {
			t.Errorf("Sum(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestSumMatchesGo(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 300; n++ {
		xs := make([]uint64, n)
		for i := range xs {
			xs[i] = r.Uint64()
		}
		// A sub-slice with a non-zero offset and spare capacity exercises base/len handling.
		sub := xs[n/3 : n-n/4]
		if got, want := Sum(sub), sumGo(sub); got != want {
			t.Fatalf("n=%d: Sum = %d, sumGo = %d", n, got, want)
		}
	}
}

func BenchmarkSum(b *testing.B) {
	xs := make([]uint64, 4096)
	for i := range xs {
		xs[i] = uint64(i)
	}
	b.SetBytes(int64(len(xs) * 8))
	for i := 0; i < b.N; i++ {
		Sum(xs)
	}
}
