module github.com/certkit/certkit/bindings/go

go 1.19
