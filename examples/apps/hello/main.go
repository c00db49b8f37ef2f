// Command hello prints the platform it was built for, e.g. "linux/arm64".
// With -sum it also adds its arguments using mathx.Sum.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"gocross.example/libs/mathx"
)

func main() {
	sum := flag.Bool("sum", false, "print the sum of the numeric arguments on a second line")
	flag.Parse()
	fmt.Println(runtime.GOOS + "/" + runtime.GOARCH)
	if *sum {
		xs := make([]uint64, 0, flag.NArg())
		for _, a := range flag.Args() {
			x, err := strconv.ParseUint(a, 10, 64)
			if err != nil {
				fmt.Fprintf(os.Stderr, "hello: %v\n", err)
				os.Exit(2)
			}
			xs = append(xs, x)
		}
		fmt.Println(mathx.Sum(xs))
	}
}
