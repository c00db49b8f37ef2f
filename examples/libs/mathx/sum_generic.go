//go:build !(amd64 || arm64) || purego

package mathx

// Sum returns the sum of xs, wrapping on overflow like ordinary uint64 addition.
func Sum(xs []uint64) uint64 {
	return sumGo(xs)
}
