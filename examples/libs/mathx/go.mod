module gocross.example/libs/mathx

go 1.22
