module certkit.dev/bench/peers

go 1.21
