package mathx

// sumGo is the portable definition of Sum; the assembly versions must agree with it.
func sumGo(xs []uint64) uint64 {
	var s uint64
	for _, x := range xs {
		s += x
	}
	return s
}
