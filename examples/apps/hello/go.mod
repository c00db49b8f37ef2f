module gocross.example/apps/hello

go 1.22

require gocross.example/libs/mathx v0.0.0

replace gocross.example/libs/mathx => ../../libs/mathx
