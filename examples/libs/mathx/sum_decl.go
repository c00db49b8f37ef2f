//go:build (amd64 || arm64) && !purego

package mathx

// Sum returns the sum of xs, wrapping on overflow like ordinary uint64 addition.
// Implemented in sum_amd64.s and sum_arm64.s.
//
//go:noescape
func Sum(xs []uint64) uint64
