module github.com/timkit/tim

go 1.26

require (
	github.com/go-resty/resty/v2 v2.17.2 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/net v0.43.0 // indirect
)
