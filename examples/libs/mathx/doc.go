// Package mathx holds small numeric kernels with hand-written assembly for amd64 and arm64
// and a pure-Go fallback for every other architecture (or when built with the purego tag).
package mathx
