// Command cgo-hello calls a small C function through cgo and prints its result together
// with the platform it was built for, e.g. "cgo: 2+3=5 linux/arm64".
package main

/*
static int add(int a, int b) { return a + b; }
*/
import "C"

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("cgo: 2+3=%d %s/%s\n", int(C.add(2, 3)), runtime.GOOS, runtime.GOARCH)
}
