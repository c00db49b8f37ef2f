module gocross.example/apps/cgo-hello

go 1.22
